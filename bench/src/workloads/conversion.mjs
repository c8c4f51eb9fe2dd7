import { deepStrictEqual } from 'node:assert'
import { measureGroup, unavailable } from '../harness.mjs'
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
  for (const language of /** @type {const} */ (['lua', 'js'])) {
    const source = language === 'lua' ? 'return records' : 'records'
    const closers = []
    const polyName = 'Polyhost: globals in, result out'
    const specs = []
    const { host, note } = await openHost([language])
    if (host) {
      closers.push(() => host.close())
      specs.push({
        name: polyName,
        kind: 'polyhost',
        fn: async () => (await host.execute({ language, source, globals: { records } })).value,
      })
    }
    const raws = language === 'lua' ? rawLuaSpecs(records, closers) : await rawJsSpecs(records, closers)
    specs.push(...raws)
    if (language === 'lua') {
      const w = await wasmoonEngine()
      if (w) {
        closers.push(() => w.global.close())
        specs.push({
          name: 'wasmoon: global.set + doStringSync (table proxies off)',
          kind: 'peer',
          fn: () => {
            w.global.set('records', records)
            return w.doStringSync(source)
          },
        })
      }
    }
    specs.push({ name: 'V8 JSON.parse(JSON.stringify(records)) (floor)', kind: 'floor', fn: () => JSON.parse(JSON.stringify(records)) })
    const checked = await Promise.all(specs.map((s) => verified(s, records)))
    const measured = await measureGroup(
      checked.map((s) => ({ ...s, language, gc: true })),
      ctx.profile,
    )
    for (const close of closers) await close()
    const poly = host ? measured[0] : unavailable({ name: polyName, kind: 'polyhost', language }, note)
    const rawRows = measured.filter((m) => m.kind === 'raw')
    rows.push(...(host ? measured : [poly, ...measured]))
    const best = rawRows.filter((r) => r.status === 'ok').sort((a, b) => a.median - b.median)[0] ?? rawRows[0]
    ratios.push(timeRatio({ label: 'Conversion (1,000 records in+out) vs best raw path', language, a: poly, b: best, goal: { max: 1.2 } }))
  }
  return {
    id: 4,
    title: 'Conversion (1,000 records `{ id, name, tags: [3 strings], score }` in and out)',
    unit: 'per round trip',
    rows,
    ratios,
    notes: [
      'Each path is checked once to return records deep-equal to the input before it is timed; a path that does not is reported as failed.',
      'Garbage is collected before each sample, outside the timing.',
    ],
  }
}

// --- internal ---

/** Checks a path once; a path returning something else than the records fails when timed. */
async function verified(spec, records) {
  try {
    deepStrictEqual(await spec.fn(), records)
    return spec
  } catch (e) {
    const message = `does not return the records unchanged: ${String(e?.message ?? e).split('\n')[0]}`
    return {
      ...spec,
      fn: () => {
        throw new Error(message)
      },
    }
  }
}

function rawLuaSpecs(records, closers) {
  const L = rawLua.newState()
  closers.push(() => rawLua.closeState(L))
  const src = rawLua.luaSource('return records')
  const fn = () => {
    rawLua.setGlobal(L, 'records', records)
    return rawLua.run(L, src)
  }
  return [{ name: 'raw fengari: C-API table build + walk', kind: 'raw', fn }]
}

async function rawJsSpecs(records, closers) {
  const vm = await rawJs.newContext()
  closers.push(() => rawJs.dispose(vm))
  const handles = () => {
    rawJs.setGlobal(vm, 'records', records)
    return rawJs.evalValue(vm, 'records')
  }
  const json = () => {
    rawJs.setGlobalJson(vm, 'records', records)
    return rawJs.evalJson(vm, 'records')
  }
  return [
    { name: 'raw QuickJS: handle tree in, dump out', kind: 'raw', fn: handles },
    { name: 'raw QuickJS: JSON string in and out', kind: 'raw', fn: json },
  ]
}
