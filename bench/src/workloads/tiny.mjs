import vm from 'node:vm'
import { measureGroup, unavailable } from '../harness.mjs'
import { openHost } from '../polyhost.mjs'
import { wasmoonEngine } from '../raw/peers.mjs'
import * as rawLua from '../raw/raw-lua.mjs'
import * as rawJs from '../raw/raw-quickjs.mjs'
import { absolute, timeRatio } from '../ratios.mjs'

const SOURCES = { lua: 'return a + b', js: 'a + b' }
const GLOBALS = { a: 20, b: 22 }
const FRESH_GOAL = { lua: 2, js: 3 }
const NAMES = {
  execute: 'Polyhost: warm execute',
  run: 'Polyhost: compile once + run',
  polyFresh: 'Polyhost: fresh state per execution (pool min 0, maxUses 1)',
  polyFreshNew: 'Polyhost: fresh state in a new instance (as above, reuseInstances false)',
  raw: { lua: 'raw fengari: set globals + luaL_loadstring + lua_pcall', js: 'raw QuickJS: set globals + evalCode' },
  fresh: { lua: 'raw fengari: fresh state + openlibs per call', js: 'raw QuickJS: fresh runtime + context per call' },
}

/**
 * Workload 1: a tiny script with two globals. Shows the fixed cost of one execution:
 * Polyhost warm `execute` and `compile` + `run` against the raw engine parsing and running
 * the same source on a kept state, and against a fresh raw state per call (what pooling buys).
 *
 * @param {import('../workloads.mjs').WorkloadContext} ctx
 * @returns {Promise<import('../workloads.mjs').WorkloadResult>}
 */
export async function tiny(ctx) {
  const rows = []
  const ratios = []
  for (const language of /** @type {const} */ (['lua', 'js'])) {
    const r = await measureLanguage(ctx, language)
    rows.push(...r.rows)
    const { execute, run, raw, fresh, polyFresh, polyFreshNew } = r.byName
    ratios.push(
      timeRatio({ label: 'Warm execute vs raw parse+run', language, a: execute, b: raw, goal: { max: 2.5 } }),
      timeRatio({ label: 'compile + run vs raw parse+run', language, a: run, b: raw, goal: { max: 2.5 } }),
      timeRatio({ label: 'Pooled execute: fresh raw state / pooled', language, a: fresh, b: execute, goal: { min: 20 } }),
      timeRatio({ label: 'Pooled execute: fresh Polyhost state / pooled', language, a: polyFresh, b: execute, goal: {} }),
      // issue 16: a new sandboxed state within 2× (Lua) or 3× (JS, and ≤ 1 ms) of a bare new state
      timeRatio({
        label: 'Fresh sandboxed state vs fresh raw state',
        language,
        a: polyFresh,
        b: fresh,
        goal: { max: FRESH_GOAL[language] },
      }),
    )
    if (language === 'js') {
      ratios.push(absolute({ label: 'Fresh sandboxed state (create + first execution)', language, row: polyFresh, max: 1 }))
      ratios.push(absolute({ label: 'Fresh sandboxed state in a new instance (no retired one to start in)', language, row: polyFreshNew }))
    }
  }
  return {
    id: 1,
    title: 'Tiny script (`return a + b` / `a + b`, two globals)',
    unit: 'per execution',
    rows,
    ratios,
    notes: [
      'Raw paths set the two globals and parse the source on every call, as a user without a compile cache would.',
      'Pooled vs fresh (the goal) compares Polyhost warm execute with a fresh raw state per call (no sandbox set-up at all);',
      'the second pooled figure compares it with Polyhost creating and sandboxing a new state for every execution.',
      'Rows that make a new state per call run in a measuring group of their own, after the warm rows, with a full collection between: what one row leaves for the garbage collector is not charged to another.',
    ],
  }
}

// --- internal ---

async function measureLanguage(ctx, language) {
  const batch = ctx.quick ? 50 : 200
  const freshBatch = ctx.quick ? 5 : 20
  const source = SOURCES[language]
  const loop = (n, body) => async () => {
    for (let i = 0; i < n; i++) await body()
  }
  const syncLoop = (n, body) => () => {
    for (let i = 0; i < n; i++) body()
  }
  const specs = {}
  const missing = []
  const closers = []

  const { host, note } = await openHost([language])
  // a host whose every execution makes a new state: a JS one usually starts in a retired state's
  // instance; without one (the pool growing, a burst of new tenants) it is a new WebAssembly
  // instance and memory (`reuseInstances: false` measures that)
  const freshSpec = async (name, engineOptions) => {
    const fresh = await openHost([language], { pool: { min: 0, max: 1, maxUses: 1 } }, engineOptions)
    const h = fresh.host
    if (!h) return undefined
    closers.push(() => h.close())
    return { name, batch: freshBatch, fn: loop(freshBatch, () => h.execute({ language, source, globals: GLOBALS })) }
  }
  if (host) specs.polyFresh = await freshSpec(NAMES.polyFresh)
  if (host && language === 'js') specs.polyFreshNew = await freshSpec(NAMES.polyFreshNew, { js: { reuseInstances: false } })
  if (host) {
    closers.push(() => host.close())
    const script = await host.compile({ language, source })
    specs.execute = { name: NAMES.execute, fn: loop(batch, () => host.execute({ language, source, globals: GLOBALS })) }
    specs.run = { name: NAMES.run, fn: loop(batch, () => script.run({ globals: GLOBALS })) }
  } else {
    missing.push(unavailable({ name: NAMES.execute, kind: 'polyhost', language }, note))
    missing.push(unavailable({ name: NAMES.run, kind: 'polyhost', language }, note))
  }

  if (language === 'lua') {
    const src = rawLua.luaSource(source)
    const L = rawLua.newState()
    closers.push(() => rawLua.closeState(L))
    const setAndRun = (S) => {
      rawLua.setGlobal(S, 'a', GLOBALS.a)
      rawLua.setGlobal(S, 'b', GLOBALS.b)
      return rawLua.run(S, src)
    }
    specs.raw = { name: NAMES.raw.lua, fn: syncLoop(batch, () => setAndRun(L)) }
    specs.fresh = {
      name: NAMES.fresh.lua,
      batch: freshBatch,
      fn: syncLoop(freshBatch, () => {
        const S = rawLua.newState()
        setAndRun(S)
        rawLua.closeState(S)
      }),
    }
    const w = await wasmoonEngine()
    if (w) {
      closers.push(() => w.global.close())
      specs.peer = {
        name: 'wasmoon: global.set + doStringSync',
        kind: 'peer',
        fn: syncLoop(batch, () => {
          w.global.set('a', GLOBALS.a)
          w.global.set('b', GLOBALS.b)
          w.doStringSync(source)
        }),
      }
    }
  } else {
    const q = await rawJs.newContext()
    closers.push(() => rawJs.dispose(q))
    const setAndRun = (c) => {
      rawJs.setGlobal(c, 'a', GLOBALS.a)
      rawJs.setGlobal(c, 'b', GLOBALS.b)
      return rawJs.evalValue(c, source)
    }
    specs.raw = { name: NAMES.raw.js, fn: syncLoop(batch, () => setAndRun(q)) }
    const module = await rawJs.quickjs()
    specs.fresh = {
      name: NAMES.fresh.js,
      batch: freshBatch,
      fn: syncLoop(freshBatch, () => {
        const c = module.newContext()
        setAndRun(c)
        rawJs.dispose(c)
      }),
    }
    const context = vm.createContext({})
    specs.peer = {
      name: 'node:vm: set globals + runInContext',
      kind: 'peer',
      fn: syncLoop(batch, () => {
        context.a = GLOBALS.a
        context.b = GLOBALS.b
        vm.runInContext(source, context)
      }),
    }
  }

  // rows that make a new state per call are measured in a group of their own: the garbage
  // they leave (a dropped state's WebAssembly memory, a fengari state's tables) is collected
  // while they run or in the full collection after their group, not charged to the warm
  // rows' samples, and the warm rows' garbage is not charged to them
  const groups = [
    ['execute', 'run', 'raw', 'peer'],
    ['polyFresh', 'fresh'],
    // alone: each of its states drops a whole WebAssembly memory for the collector
    ['polyFreshNew'],
  ].map((g) => g.filter((k) => specs[k]))
  const kindOf = (k) => (k === 'execute' || k === 'run' || k.startsWith('polyFresh') ? 'polyhost' : k === 'peer' ? 'peer' : 'raw')
  const keys = groups.flat()
  const measured = []
  for (const group of groups) {
    globalThis.gc?.()
    measured.push(
      ...(await measureGroup(
        group.map((k) => ({ batch, kind: kindOf(k), language, ...specs[k] })),
        ctx.profile,
      )),
    )
  }
  globalThis.gc?.()
  for (const close of closers) await close()
  const byName = Object.fromEntries(keys.map((k, i) => [k, measured[i]]))
  for (const m of missing) byName[m.name === NAMES.execute ? 'execute' : 'run'] = m
  return { rows: [...missing, ...measured], byName }
}
