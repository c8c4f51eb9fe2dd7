import vm from 'node:vm'
import { z } from 'zod'
import { measureGroup, unavailable } from '../harness.mjs'
import { openHost } from '../polyhost.mjs'
import * as rawLua from '../raw/raw-lua.mjs'
import * as rawJs from '../raw/raw-quickjs.mjs'
import { wasmoonEngine } from '../raw/peers.mjs'
import { timeRatio } from '../ratios.mjs'

const { lua } = rawLua

/**
 * Workload 3: many synchronous host calls from one script. Polyhost calls a registered
 * bridge `calc.add` whose two arguments are validated with zod on every call; the raw
 * engines call a plain host function installed as `calc.add`. The script text is the same.
 *
 * @param {import('../workloads.mjs').WorkloadContext} ctx
 * @returns {Promise<import('../workloads.mjs').WorkloadResult>}
 */
export async function bridgeCalls(ctx) {
  const n = ctx.quick ? 10_000 : 100_000
  const sources = {
    lua: `local s = 0 for i = 1, ${n} do s = calc.add(s, 1) end return s`,
    js: `(() => { let s = 0; for (let i = 0; i < ${n}; i++) s = calc.add(s, 1); return s })()`,
  }
  const unit = `${n / 1000}k calls`
  const rows = []
  const ratios = []
  for (const language of /** @type {const} */ (['lua', 'js'])) {
    const source = sources[language]
    const closers = []
    const specs = []
    const polyName = `Polyhost bridge (zod-validated): ${unit}`
    const { host, core, note } = await openHost([language])
    if (host) {
      closers.push(() => host.close())
      host.bridges.register(
        core.defineBridge({
          name: 'calc',
          methods: { add: { args: [z.number(), z.number()], returns: z.number(), handler: (_ctx, a, b) => a + b } },
        }),
      )
      specs.push({ name: polyName, kind: 'polyhost', fn: async () => expect(n, (await host.execute({ language, source })).value) })
    }
    specs.push(language === 'lua' ? rawLuaSpec(source, n, unit, closers) : await rawJsSpec(source, n, unit, closers))
    if (language === 'lua') {
      const w = await wasmoonEngine()
      if (w) {
        closers.push(() => w.global.close())
        w.global.set('calc', { add: (a, b) => a + b })
        specs.push({ name: `wasmoon: ${unit}`, kind: 'peer', fn: () => expect(n, w.doStringSync(source)) })
      }
    } else {
      const context = vm.createContext({ calc: { add: (a, b) => a + b } })
      specs.push({ name: `node:vm: ${unit}`, kind: 'peer', fn: () => expect(n, vm.runInContext(source, context)) })
    }
    const measured = await measureGroup(
      specs.map((s) => ({ ...s, language, opsPerUnit: n })),
      ctx.profile,
    )
    for (const close of closers) await close()
    const poly = host ? measured[0] : unavailable({ name: polyName, kind: 'polyhost', language }, note)
    const raw = measured[host ? 1 : 0]
    rows.push(...(host ? measured : [poly, ...measured]))
    // Rate ratio: Polyhost calls per second over raw calls per second = raw time / Polyhost time.
    ratios.push(timeRatio({ label: 'Bridge call rate vs raw host function', language, a: raw, b: poly, goal: { min: 0.5 } }))
  }
  return {
    id: 3,
    title: `Bridge calls (${unit} of \`calc.add(s, 1)\` in one script)`,
    unit: `per script of ${unit}; rate = ${n} / median`,
    rows,
    ratios,
    notes: ['Polyhost validates both arguments with `z.number()` and the result with `returns`; the raw host functions trust their input.'],
  }
}

// --- internal ---

function rawLuaSpec(source, n, unit, closers) {
  const L = rawLua.newState()
  closers.push(() => rawLua.closeState(L))
  lua.lua_createtable(L, 0, 1)
  lua.lua_pushcfunction(L, (S) => {
    lua.lua_pushnumber(S, lua.lua_tonumber(S, 1) + lua.lua_tonumber(S, 2))
    return 1
  })
  lua.lua_setfield(L, -2, rawLua.luaSource('add'))
  lua.lua_setglobal(L, rawLua.luaSource('calc'))
  const src = rawLua.luaSource(source)
  return { name: `raw fengari host function: ${unit}`, kind: 'raw', fn: () => expect(n, rawLua.run(L, src)) }
}

async function rawJsSpec(source, n, unit, closers) {
  const qjs = await rawJs.newContext()
  closers.push(() => rawJs.dispose(qjs))
  const calc = qjs.newObject()
  const add = qjs.newFunction('add', (a, b) => qjs.newNumber(qjs.getNumber(a) + qjs.getNumber(b)))
  qjs.setProp(calc, 'add', add)
  qjs.setProp(qjs.global, 'calc', calc)
  add.dispose()
  calc.dispose()
  return { name: `raw QuickJS newFunction: ${unit}`, kind: 'raw', fn: () => expect(n, rawJs.evalValue(qjs, source)) }
}

function expect(n, got) {
  if (got !== n) throw new Error(`script returned ${JSON.stringify(got)}, expected ${n}`)
}
