import vm from 'node:vm'
import { measure, unavailable } from '../harness.mjs'
import { openHost } from '../polyhost.mjs'
import * as rawLua from '../raw/raw-lua.mjs'
import * as rawJs from '../raw/raw-quickjs.mjs'
import { wasmoonEngine } from '../raw/peers.mjs'
import { timeRatio } from '../ratios.mjs'

const LUA = 'return a + b'
const JS = 'a + b'
const GLOBALS = { a: 20, b: 22 }

/**
 * Workload 1: a tiny script with two globals. Shows the fixed cost of one execution:
 * Polyhost warm `execute` and `compile` + `run` against the raw engine parsing and running
 * the same source on a kept state, and against a fresh raw state per call (what pooling buys).
 *
 * @param {import('../workloads.mjs').WorkloadContext} ctx
 * @returns {Promise<import('../workloads.mjs').WorkloadResult>}
 */
export async function tiny(ctx) {
  const batch = ctx.quick ? 50 : 200
  const m = (spec) => measure({ batch, ...spec }, ctx.profile)
  const rows = []

  // --- Lua ---
  const luaSrc = rawLua.luaSource(LUA)
  const L = rawLua.newState()
  const rawLuaRow = await m({
    name: 'raw fengari: set globals + luaL_loadstring + lua_pcall',
    kind: 'raw',
    language: 'lua',
    fn: () => {
      for (let i = 0; i < batch; i++) {
        rawLua.setGlobal(L, 'a', GLOBALS.a)
        rawLua.setGlobal(L, 'b', GLOBALS.b)
        rawLua.run(L, luaSrc)
      }
    },
  })
  rawLua.closeState(L)
  const freshLuaRow = await m({
    name: 'raw fengari: fresh state + openlibs per call',
    kind: 'raw',
    language: 'lua',
    batch: ctx.quick ? 5 : 20,
    fn: () => {
      for (let i = 0; i < (ctx.quick ? 5 : 20); i++) {
        const S = rawLua.newState()
        rawLua.setGlobal(S, 'a', GLOBALS.a)
        rawLua.setGlobal(S, 'b', GLOBALS.b)
        rawLua.run(S, luaSrc)
        rawLua.closeState(S)
      }
    },
  })
  const lua = await polyhostRows(ctx, 'lua', LUA, m)
  rows.push(...lua.rows, rawLuaRow, freshLuaRow)
  const wasmoon = await wasmoonEngine()
  if (wasmoon) {
    rows.push(
      await m({
        name: 'wasmoon: global.set + doStringSync',
        kind: 'peer',
        language: 'lua',
        fn: () => {
          for (let i = 0; i < batch; i++) {
            wasmoon.global.set('a', GLOBALS.a)
            wasmoon.global.set('b', GLOBALS.b)
            wasmoon.doStringSync(LUA)
          }
        },
      }),
    )
    wasmoon.global.close()
  } else rows.push(unavailable({ name: 'wasmoon', kind: 'peer', language: 'lua' }, 'not installed'))

  // --- JS ---
  const qjs = await rawJs.newContext()
  const rawJsRow = await m({
    name: 'raw QuickJS: set globals + evalCode',
    kind: 'raw',
    language: 'js',
    fn: () => {
      for (let i = 0; i < batch; i++) {
        rawJs.setGlobal(qjs, 'a', GLOBALS.a)
        rawJs.setGlobal(qjs, 'b', GLOBALS.b)
        rawJs.evalValue(qjs, JS)
      }
    },
  })
  rawJs.dispose(qjs)
  const freshJsRow = await m({
    name: 'raw QuickJS: fresh runtime + context per call',
    kind: 'raw',
    language: 'js',
    batch: ctx.quick ? 5 : 20,
    fn: async () => {
      for (let i = 0; i < (ctx.quick ? 5 : 20); i++) {
        const c = await rawJs.newContext()
        rawJs.setGlobal(c, 'a', GLOBALS.a)
        rawJs.setGlobal(c, 'b', GLOBALS.b)
        rawJs.evalValue(c, JS)
        rawJs.dispose(c)
      }
    },
  })
  const js = await polyhostRows(ctx, 'js', JS, m)
  const context = vm.createContext({})
  const vmRow = await m({
    name: 'node:vm: set globals + runInContext',
    kind: 'peer',
    language: 'js',
    fn: () => {
      for (let i = 0; i < batch; i++) {
        context.a = GLOBALS.a
        context.b = GLOBALS.b
        vm.runInContext(JS, context)
      }
    },
  })
  rows.push(...js.rows, rawJsRow, freshJsRow, vmRow)

  const ratios = []
  for (const [language, p, raw, fresh] of [
    ['lua', lua, rawLuaRow, freshLuaRow],
    ['js', js, rawJsRow, freshJsRow],
  ]) {
    ratios.push(
      timeRatio({ label: 'Warm execute vs raw parse+run', language, a: p.execute, b: raw, goal: { max: 2.5 } }),
      timeRatio({ label: 'compile + run vs raw parse+run', language, a: p.run, b: raw, goal: { max: 2.5 } }),
      timeRatio({ label: 'Pooled execute: fresh raw state / pooled', language, a: fresh, b: p.execute, goal: { min: 20 } }),
    )
  }
  return {
    id: 1,
    title: 'Tiny script (`return a + b` / `a + b`, two globals)',
    unit: 'per execution',
    rows,
    ratios,
    notes: ['Raw paths set the two globals and parse the source on every call, as a user without a compile cache would.'],
  }
}

// --- internal ---

async function polyhostRows(ctx, language, source, m) {
  const names = { execute: `Polyhost: warm execute`, run: `Polyhost: compile once + run` }
  const { host, note } = await openHost([language])
  if (!host) {
    const rows = Object.values(names).map((name) => unavailable({ name, kind: 'polyhost', language }, note))
    return { rows, execute: rows[0], run: rows[1] }
  }
  const batch = ctx.quick ? 50 : 200
  const execute = await m({
    name: names.execute,
    kind: 'polyhost',
    language,
    fn: async () => {
      for (let i = 0; i < batch; i++) await host.execute({ language, source, globals: GLOBALS })
    },
  })
  const script = await host.compile({ language, source })
  const run = await m({
    name: names.run,
    kind: 'polyhost',
    language,
    fn: async () => {
      for (let i = 0; i < batch; i++) await script.run({ globals: GLOBALS })
    },
  })
  await host.close()
  return { rows: [execute, run], execute, run }
}
