// Runs JS scripts inline on one fresh host in this process and prints, per script, what
// happened as JSON lines: { error?: { name, limit, message }, value?, ms }.
// Usage: node run-js.mjs '<json { sources, limits?, policy? }>' (built packages, dist/).
// Scripts that may hold the thread run here, in a child the test can kill.
import { createHost } from '@polyhost/core'
import { jsEngine } from '../../dist/index.js'

const { sources, limits = {}, policy = 'standard' } = JSON.parse(process.argv[2] ?? '{}')
const host = await createHost({ engines: [jsEngine()], policy, limits, pool: { min: 1, max: 1 } })
for (const source of sources) {
  const started = performance.now()
  const out = {}
  try {
    out.value = (await host.execute({ language: 'js', source })).value
  } catch (e) {
    out.error = { name: e.name, limit: e.limit, message: String(e.message).slice(0, 200) }
  }
  out.ms = performance.now() - started
  process.stdout.write(`${JSON.stringify(out)}\n`)
}
await host.close()
