import { deepStrictEqual } from 'node:assert'
import { measure, unavailable } from '../harness.mjs'
import { openHost } from '../polyhost.mjs'
import * as rawLua from '../raw/raw-lua.mjs'
import * as rawJs from '../raw/raw-quickjs.mjs'
import { wasmoonEngine } from '../raw/peers.mjs'
import { timeRatio } from '../ratios.mjs'

/** `count` records `{ id, name, tags: [3 strings], score }`. */
export function makeRecords(count) {
  return Array.from({ length: count }, (_, i) => ({
    id: i + 1,
    name: `record-${i + 1}`,
    tags: [`t${i % 7}`, `group-${i % 13}`, i % 2 ? 'odd' : 'even'],
    score: (i * 37) / 11,
  }))
}

/**
 * Workload 4: data in and out. 1,000 records go in as a global and come back as the
 * script's result. Raw paths: Lua builds and walks tables through the C API; QuickJS
 * either builds a handle tree or passes one JSON string each way (the faster raw path).
 * The floor is V8's own `JSON.parse(JSON.stringify(records))`.
 *
 * @param {import('../workloads.mjs').WorkloadContext} ctx
 * @returns {Promise<import('../workloads.mjs').WorkloadResult>}
 */
export async function conversion(ctx) {
  const records = makeRecords(1000)
  const rows = []
  const ratios = []
  const floor = await measure(
    { name: 'V8 JSON.parse(JSON.stringify(records))', kind: 'floor', fn: () => JSON.parse(JSON.stringify(records)) },
    ctx.profile,
  )
  rows.push(floor)
  for (const language of /** @type {const} */ (['lua', 'js'])) {
    const source = language === 'lua' ? 'return records' : 'records'
    const poly = await polyhostRow(ctx, language, source, records)
    const raws = language === 'lua' ? await rawLuaRows(ctx, records) : await rawJsRows(ctx, records)
    rows.push(poly, ...raws)
    const best = raws.filter((r) => r.status === 'ok').sort((a, b) => a.median - b.median)[0] ?? raws[0]
    ratios.push(timeRatio({ label: 'Conversion (1,000 records in+out) vs best raw path', language, a: poly, b: best, goal: { max: 1.2 } }))
    if (language === 'lua') {
      const w = await wasmoonEngine()
      if (w) {
        rows.push(
          await measure(
            {
              name: 'wasmoon: global.set + doStringSync (table proxies off)',
              kind: 'peer',
              language,
              fn: () => {
                w.global.set('records', records)
                return w.doStringSync(source)
              },
            },
            ctx.profile,
          ),
        )
        w.global.close()
      }
    }
  }
  return {
    id: 4,
    title: 'Conversion (1,000 records `{ id, name, tags: [3 strings], score }` in and out)',
    unit: 'per round trip',
    rows,
    ratios,
    notes: ['Each path is checked once to return records deep-equal to the input before it is timed.'],
  }
}

// --- internal ---

async function polyhostRow(ctx, language, source, records) {
  const name = 'Polyhost: globals in, result out'
  const { host, note } = await openHost([language])
  if (!host) return unavailable({ name, kind: 'polyhost', language }, note)
  try {
    const run = async () => (await host.execute({ language, source, globals: { records } })).value
    deepStrictEqual(await run(), records)
    return await measure({ name, kind: 'polyhost', language, fn: run }, ctx.profile)
  } catch (e) {
    return { name, kind: 'polyhost', language, status: 'failed', note: String(e?.message ?? e).split('\n')[0] }
  } finally {
    await host.close()
  }
}

async function rawLuaRows(ctx, records) {
  const L = rawLua.newState()
  const src = rawLua.luaSource('return records')
  const run = () => {
    rawLua.setGlobal(L, 'records', records)
    return rawLua.run(L, src)
  }
  deepStrictEqual(run(), records)
  const row = await measure({ name: 'raw fengari: C-API table build + walk', kind: 'raw', language: 'lua', fn: run }, ctx.profile)
  rawLua.closeState(L)
  return [row]
}

async function rawJsRows(ctx, records) {
  const vm = await rawJs.newContext()
  const handles = () => {
    rawJs.setGlobal(vm, 'records', records)
    return rawJs.evalValue(vm, 'records')
  }
  const json = () => {
    rawJs.setGlobalJson(vm, 'records', records)
    return rawJs.evalJson(vm, 'records')
  }
  deepStrictEqual(handles(), records)
  deepStrictEqual(json(), records)
  const out = [
    await measure({ name: 'raw QuickJS: handle tree in, dump out', kind: 'raw', language: 'js', fn: handles }, ctx.profile),
    await measure({ name: 'raw QuickJS: JSON string in and out', kind: 'raw', language: 'js', fn: json }, ctx.profile),
  ]
  rawJs.dispose(vm)
  return out
}
