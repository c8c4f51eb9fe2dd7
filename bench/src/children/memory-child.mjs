/**
 * Child process of the memory workload (run with --expose-gc). Loads one stack, makes one
 * state so module-level costs (WASM compile, library code) are in the baseline, then makes
 * `count` more idle states and prints the memory delta as one JSON line.
 * `argv[2]`: polyhost-lua | polyhost-js | raw-lua | raw-js | wasmoon; `argv[3]`: count.
 */
import { createRequire } from 'node:module'
import { setTimeout as sleep } from 'node:timers/promises'

const mode = process.argv[2]
const count = Number(process.argv[3] ?? 100)
const require = createRequire(import.meta.url)
const keep = []

async function settle() {
  for (let i = 0; i < 3; i++) {
    globalThis.gc()
    await sleep(50)
  }
  const m = process.memoryUsage()
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external + m.arrayBuffers }
}

async function polyhost(language) {
  const { createHost } = await import('@polyhost/core')
  const mod = language === 'lua' ? await import('@polyhost/engine-lua') : await import('@polyhost/engine-js')
  const factory = language === 'lua' ? mod.luaEngine : mod.jsEngine
  const source = language === 'lua' ? 'return 1' : '1'
  const first = await createHost({ engines: [factory()], pool: { min: 1, max: 1 } })
  await first.execute({ language, source })
  keep.push(first)
  const before = await settle()
  const host = await createHost({ engines: [factory()], pool: { min: count, max: count, healthCheckIntervalMs: 0 } })
  await host.execute({ language, source })
  const deadline = Date.now() + 60_000
  while (host.stats().engines[language].pool.idle < count) {
    if (Date.now() > deadline) throw new Error(`pool reached ${host.stats().engines[language].pool.idle} idle states, not ${count}`)
    await sleep(20)
  }
  keep.push(host)
  return { before, after: await settle() }
}

async function rawLua() {
  const { lauxlib, lualib } = require('fengari')
  const make = () => {
    const L = lauxlib.luaL_newstate()
    lualib.luaL_openlibs(L)
    return L
  }
  keep.push(make())
  const before = await settle()
  for (let i = 0; i < count; i++) keep.push(make())
  return { before, after: await settle() }
}

async function rawJs() {
  const { getQuickJS } = await import('quickjs-emscripten')
  const q = await getQuickJS()
  keep.push(q.newContext())
  const before = await settle()
  for (let i = 0; i < count; i++) keep.push(q.newContext())
  return { before, after: await settle() }
}

async function wasmoon() {
  const { LuaFactory } = await import('wasmoon')
  const f = new LuaFactory()
  keep.push(await f.createEngine())
  const before = await settle()
  for (let i = 0; i < count; i++) keep.push(await f.createEngine())
  return { before, after: await settle() }
}

const runs = {
  'polyhost-lua': () => polyhost('lua'),
  'polyhost-js': () => polyhost('js'),
  'raw-lua': rawLua,
  'raw-js': rawJs,
  wasmoon,
}

try {
  const { before, after } = await runs[mode]()
  const per = (k) => (after[k] - before[k]) / count
  process.stdout.write(`${JSON.stringify({ ok: true, rss: per('rss'), heapUsed: per('heapUsed'), external: per('external') })}\n`)
} catch (e) {
  process.stdout.write(`${JSON.stringify({ ok: false, error: String(e?.message ?? e).split('\n')[0] })}\n`)
}
process.exit(0)
