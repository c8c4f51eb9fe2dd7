/**
 * Where cold start goes: one process, each step timed from process start (imports,
 * createHost with both engines, the first Lua and the first JS result). Run it a few times:
 *
 *   for i in 1 2 3; do node src/profile/cold-phases.mjs; done
 */
import { performance } from 'node:perf_hooks'

const marks = [['node start-up', performance.now()]]
const mark = (name) => marks.push([name, performance.now()])
const core = await import('@polyhost/core')
mark('import @polyhost/core')
const { luaEngine } = await import('@polyhost/engine-lua')
mark('import @polyhost/engine-lua')
const { jsEngine } = await import('@polyhost/engine-js')
mark('import @polyhost/engine-js')
const host = await core.createHost({ engines: [luaEngine(), jsEngine()] })
mark('createHost (lua + js)')
await host.execute({ language: 'lua', source: 'return 1 + 1' })
mark('first Lua result')
await host.execute({ language: 'js', source: '1 + 1' })
mark('first JS result')
let previous = 0
for (const [name, at] of marks) {
  console.log(`${name.padEnd(28)} ${at.toFixed(1).padStart(7)} ms  (+${(at - previous).toFixed(1)})`)
  previous = at
}
await host.close()
