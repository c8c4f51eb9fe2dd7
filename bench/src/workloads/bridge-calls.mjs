import vm from 'node:vm'
import { z } from 'zod'
import { measure, unavailable } from '../harness.mjs'
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
    const poly = await polyhostRow(ctx, language, source, n, unit)
    const raw = language === 'lua' ? await rawLuaRow(ctx, source, n, unit) : await rawJsRow(ctx, source, n, unit)
    rows.push(poly, raw)
    if (language === 'lua') {
      const w = await wasmoonEngine()
      if (w) {
        w.global.set('calc', { add: (a, b) => a + b })
        rows.push(
          await measure(
            { name: `wasmoon: ${unit}`, kind: 'peer', language, opsPerUnit: n, fn: () => expect(n, w.doStringSync(source)) },
            ctx.profile,
          ),
        )
        w.global.close()
      }
    } else {
      const context = vm.createContext({ calc: { add: (a, b) => a + b } })
      rows.push(
        await measure(
          { name: `node:vm: ${unit}`, kind: 'peer', language, opsPerUnit: n, fn: () => expect(n, vm.runInContext(source, context)) },
          ctx.profile,
        ),
      )
    }
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

async function polyhostRow(ctx, language, source, n, unit) {
  const name = `Polyhost bridge (zod-validated): ${unit}`
  const { host, core, note } = await openHost([language])
  if (!host) return unavailable({ name, kind: 'polyhost', language }, note)
  try {
    host.bridges.register(
      core.defineBridge({
        name: 'calc',
        methods: { add: { args: [z.number(), z.number()], returns: z.number(), handler: (_ctx, a, b) => a + b } },
      }),
    )
    return await measure(
      { name, kind: 'polyhost', language, opsPerUnit: n, fn: async () => expect(n, (await host.execute({ language, source })).value) },
      ctx.profile,
    )
  } finally {
    await host.close()
  }
}

async function rawLuaRow(ctx, source, n, unit) {
  const L = rawLua.newState()
  lua.lua_createtable(L, 0, 1)
  lua.lua_pushcfunction(L, (S) => {
    lua.lua_pushnumber(S, lua.lua_tonumber(S, 1) + lua.lua_tonumber(S, 2))
    return 1
  })
  lua.lua_setfield(L, -2, rawLua.luaSource('add'))
  lua.lua_setglobal(L, rawLua.luaSource('calc'))
  const src = rawLua.luaSource(source)
  const row = await measure(
    { name: `raw fengari host function: ${unit}`, kind: 'raw', language: 'lua', opsPerUnit: n, fn: () => expect(n, rawLua.run(L, src)) },
    ctx.profile,
  )
  rawLua.closeState(L)
  return row
}

async function rawJsRow(ctx, source, n, unit) {
  const qjs = await rawJs.newContext()
  const calc = qjs.newObject()
  const add = qjs.newFunction('add', (a, b) => qjs.newNumber(qjs.getNumber(a) + qjs.getNumber(b)))
  qjs.setProp(calc, 'add', add)
  qjs.setProp(qjs.global, 'calc', calc)
  add.dispose()
  calc.dispose()
  const row = await measure(
    {
      name: `raw QuickJS newFunction: ${unit}`,
      kind: 'raw',
      language: 'js',
      opsPerUnit: n,
      fn: () => expect(n, rawJs.evalValue(qjs, source)),
    },
    ctx.profile,
  )
  rawJs.dispose(qjs)
  return row
}

function expect(n, got) {
  if (got !== n) throw new Error(`script returned ${JSON.stringify(got)}, expected ${n}`)
}
