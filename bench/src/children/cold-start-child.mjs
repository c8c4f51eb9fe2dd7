/**
 * Child process of the cold-start workload: loads one stack, gets a first result from each
 * language, prints one JSON line and exits. `argv[2]`: `polyhost` | `raw` | `node`.
 */
import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'

const mode = process.argv[2]

async function polyhost() {
  const [{ createHost }, { luaEngine }, { jsEngine }] = await Promise.all([
    import('@polyhost/core'),
    import('@polyhost/engine-lua'),
    import('@polyhost/engine-js'),
  ])
  const host = await createHost({ engines: [luaEngine(), jsEngine()] })
  const a = await host.execute({ language: 'lua', source: 'return 1 + 1' })
  const b = await host.execute({ language: 'js', source: '1 + 1' })
  return [a.value, b.value]
}

async function raw() {
  const { createRequire } = await import('node:module')
  const { lua, lauxlib, lualib, to_luastring } = createRequire(import.meta.url)('fengari')
  const L = lauxlib.luaL_newstate()
  lualib.luaL_openlibs(L)
  lauxlib.luaL_loadstring(L, to_luastring('return 1 + 1'))
  lua.lua_pcall(L, 0, 1, 0)
  const a = lua.lua_tonumber(L, -1)
  const { getQuickJS } = await import('quickjs-emscripten')
  const vm = (await getQuickJS()).newContext()
  const b = vm.getNumber(vm.unwrapResult(vm.evalCode('1 + 1')))
  return [a, b]
}

/**
 * The main thread's time on a CPU and waiting for one (Linux `schedstat`, ns): on a machine
 * shared with other work, the wait is what they cost this process, not what it costs.
 */
function mainThread() {
  try {
    const [run, wait] = readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ').map(Number)
    return { mainRunMs: run / 1e6, mainWaitMs: wait / 1e6 }
  } catch {
    return {}
  }
}

try {
  const values = mode === 'polyhost' ? await polyhost() : mode === 'raw' ? await raw() : [2, 2]
  if (values[0] !== 2 || values[1] !== 2) throw new Error(`first results were ${JSON.stringify(values)}`)
  // CPU of the whole process (every thread: V8 compiles WASM in the background) up to now
  const cpu = process.cpuUsage()
  const main = mainThread()
  process.stdout.write(`${JSON.stringify({ ok: true, sinceStartMs: performance.now(), cpuMs: (cpu.user + cpu.system) / 1000, ...main })}\n`)
  process.exit(0)
} catch (e) {
  process.stdout.write(`${JSON.stringify({ ok: false, error: String(e?.message ?? e).split('\n')[0] })}\n`)
  process.exit(0)
}
