import vm from 'node:vm'
import { measureGroup, unavailable } from '../harness.mjs'
import { openHost } from '../polyhost.mjs'
import * as numbersLua from '../raw/numbers-lua.mjs'
import * as rawLua from '../raw/raw-lua.mjs'
import * as rawJs from '../raw/raw-quickjs.mjs'
import { wasmoonEngine } from '../raw/peers.mjs'
import { timeRatio } from '../ratios.mjs'

/**
 * The three CPU programs, each in Lua and JS with the same algorithm. JS sources are one
 * expression (an arrow function called at once) so that the same text runs unchanged in a
 * reused raw context, where top-level `const` would be a redeclaration on the next run.
 */
export function programs(quick) {
  const fibN = quick ? 18 : 27
  const strN = quick ? 1_000 : 20_000
  const tabN = quick ? 2_000 : 20_000
  return [
    {
      name: `fib(${fibN})`,
      lua: `local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end return fib(${fibN})`,
      js: `(() => { const fib = (n) => (n < 2 ? n : fib(n - 1) + fib(n - 2)); return fib(${fibN}) })()`,
    },
    {
      name: `strings (${strN} formats, concat, pattern scan)`,
      lua: `local t = {}
for i = 1, ${strN} do t[#t + 1] = string.format('%d:%s', i, string.rep('x', i % 10)) end
local s = table.concat(t, ',')
local n = 0
for w in string.gmatch(s, '%d+') do n = n + #w end
return n + #string.upper(s)`,
      js: `(() => { const t = []
for (let i = 1; i <= ${strN}; i++) t.push(i + ':' + 'x'.repeat(i % 10))
const s = t.join(',')
let n = 0
for (const m of s.matchAll(/[0-9]+/g)) n += m[0].length
return n + s.toUpperCase().length })()`,
    },
    {
      name: `tables/objects (${tabN} records, sum, group by key)`,
      lua: `local rows = {}
for i = 1, ${tabN} do rows[i] = { id = i, v = i % 97, k = 'k' .. (i % 500) } end
local sum, groups = 0, {}
for i = 1, #rows do local r = rows[i] sum = sum + r.v groups[r.k] = (groups[r.k] or 0) + r.v end
local g = 0
for _, v in pairs(groups) do g = g + 1 end
return sum + g`,
      js: `(() => { const rows = []
for (let i = 1; i <= ${tabN}; i++) rows.push({ id: i, v: i % 97, k: 'k' + (i % 500) })
let sum = 0; const groups = {}
for (const r of rows) { sum += r.v; groups[r.k] = (groups[r.k] || 0) + r.v }
return sum + Object.keys(groups).length })()`,
    },
  ]
}

/**
 * Workload 2: CPU-bound scripts. Polyhost runs with every limit on (instruction counting,
 * deadline, memory accounting); the raw engine runs the same source with no hook, no
 * interrupt handler and no sandbox.
 *
 * @param {import('../workloads.mjs').WorkloadContext} ctx
 * @returns {Promise<import('../workloads.mjs').WorkloadResult>}
 */
export async function cpu(ctx) {
  const rows = []
  const ratios = []
  for (const language of /** @type {const} */ (['lua', 'js'])) {
    const { host, note } = await openHost([language])
    const L = language === 'lua' ? rawLua.newState() : undefined
    const qjs = language === 'js' ? await rawJs.newContext() : undefined
    const wasmoon = language === 'lua' ? await wasmoonEngine() : undefined
    const exact = language === 'lua' ? await numbersLua.load() : undefined
    const exactL = exact && 'newState' in exact ? exact.newState() : undefined
    const context = vm.createContext({})
    for (const p of programs(ctx.quick)) {
      const source = p[language]
      const luaSrc = language === 'lua' ? rawLua.luaSource(source) : undefined
      const runRaw = () => (language === 'lua' ? rawLua.run(L, luaSrc) : rawJs.evalValue(qjs, source))
      const expected = runRaw()
      const polyName = `Polyhost (limits on): ${p.name}`
      const specs = [
        {
          name: `raw ${language === 'lua' ? 'fengari' : 'QuickJS'} (no hooks): ${p.name}`,
          kind: 'raw',
          fn: () => check(expected, runRaw()),
        },
      ]
      if (host)
        specs.unshift({
          name: polyName,
          kind: 'polyhost',
          fn: async () => check(expected, (await host.execute({ language, source })).value),
        })
      // checked integer arithmetic by itself: the number patches alone, no hook or sandbox
      const exactName = `fengari + exact-integer patches (no hooks): ${p.name}`
      if (exactL) {
        const exactSrc = exact.luaSource(source)
        specs.push({ name: exactName, kind: 'raw', fn: () => check(expected, exact.run(exactL, exactSrc)) })
      }
      if (wasmoon) specs.push({ name: `wasmoon: ${p.name}`, kind: 'peer', fn: () => wasmoon.doStringSync(source) })
      if (language === 'js') specs.push({ name: `node:vm: ${p.name}`, kind: 'peer', fn: () => vm.runInContext(source, context) })
      const measured = await measureGroup(
        specs.map((s) => ({ ...s, language, gc: true })),
        ctx.profile,
      )
      const poly = host ? measured[0] : unavailable({ name: polyName, kind: 'polyhost', language }, note)
      const raw = measured[host ? 1 : 0]
      rows.push(...(host ? measured : [poly, ...measured]))
      ratios.push(timeRatio({ label: `Limits on vs raw: ${p.name}`, language, a: poly, b: raw, goal: { max: 1.1 } }))
      if (language === 'lua') {
        const patched = exactL
          ? measured.find((m) => m.name === exactName)
          : unavailable({ name: exactName, kind: 'raw', language }, exact?.note)
        if (!exactL) rows.push(patched)
        ratios.push(
          timeRatio({
            label: `Checked integer arithmetic (number patches alone) vs raw: ${p.name}`,
            language,
            a: patched,
            b: raw,
            goal: {},
          }),
        )
      }
    }
    await host?.close()
    if (L) rawLua.closeState(L)
    if (exactL) exact.closeState(exactL)
    if (qjs) rawJs.dispose(qjs)
    wasmoon?.global.close()
  }
  return {
    id: 2,
    title: 'CPU: fib, strings, tables/objects',
    unit: 'per execution',
    rows,
    ratios,
    notes: [
      'Polyhost limits: instructions 2e9, timeout 120 s, memory 256 MiB, all enforced; raw engines run without hooks or interrupt handlers.',
      'Every run is checked against the raw result, so a faster path cannot be a wrong one. Garbage is collected before each sample, outside the timing.',
      "`fengari + exact-integer patches` is fengari with engine-lua's number patches alone (integers exact over ±(2^53 − 1), overflow raised, C Lua's float printing), no hook and no sandbox: its ratio to raw fengari is the cost of checked integer arithmetic by itself.",
    ],
  }
}

// --- internal ---

function check(expected, got) {
  if (got !== expected) throw new Error(`result ${JSON.stringify(got)} differs from the raw engine's ${JSON.stringify(expected)}`)
}
