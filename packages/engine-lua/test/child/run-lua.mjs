// Runs one Lua script on a fresh host in this process and prints what happened as JSON:
// { error?: { name, limit, used, max, message }, values?, logLengths?, ms, rssGrowthMB } (peak RSS over the
// run: off-heap strings and buffers count too).
// Usage: node --max-old-space-size=N run-lua.mjs '<json { source | build, limits?, policy?, engine? }>'
// Dangerous scripts run here, in a child with a capped heap, so a test runner survives them.
import { createHost } from '@polyhost/core'
import { luaEngine } from '@polyhost/engine-lua'

// `build` (instead of `source`): a JS expression that makes the source (too long for argv).
// `engine`: luaEngine's options ({ numbers: 'lua51' }).
const { source: given, build, limits = {}, policy = 'standard', engine = {} } = JSON.parse(process.argv[2] ?? '{}')
const source = build ? new Function(`return ${build}`)() : given
const host = await createHost({ engines: [luaEngine(engine)], policy, limits, pool: { min: 1, max: 1 } })
const before = process.memoryUsage().rss
const started = performance.now()
const out = {}
try {
  // compiling is timed too: it runs under the policy's deadline
  const compiled = await host.compile({ language: 'lua', source, name: 'child.lua' })
  const result = await compiled.run()
  out.values = result.values.map((v) => (typeof v === 'string' && v.length > 200 ? `<${v.length} chars>` : v))
  out.logLengths = result.logs.map((l) => l.message.length)
} catch (e) {
  out.error = { name: e.name, limit: e.limit, used: e.used, max: e.max, message: String(e.message).slice(0, 300) }
}
out.ms = performance.now() - started
out.rssGrowthMB = Math.max(0, process.resourceUsage().maxRSS * 1024 - before) / 2 ** 20
// the host still works (under a 50 ms limit a loaded machine can take longer than that to
// make the state that replaces a discarded one: a timeout there is retried, nothing else)
for (let attempt = 1; out.after === undefined; attempt++) {
  try {
    out.after = (await host.execute({ language: 'lua', source: 'return 6 * 7' })).value
  } catch (e) {
    if (attempt >= 3 || e.limit !== 'timeout') throw e
  }
}
await host.close()
process.stdout.write(JSON.stringify(out))
