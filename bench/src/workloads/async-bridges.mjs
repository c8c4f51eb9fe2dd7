import { z } from 'zod'
import { measure, unavailable } from '../harness.mjs'
import { openHost } from '../polyhost.mjs'
import { jsSlot, luaSlot, runConcurrently } from '../raw/raw-async.mjs'
import * as rawLua from '../raw/raw-lua.mjs'
import { timeRatio } from '../ratios.mjs'

const SOURCES = {
  lua: 'return kv.get(key)',
  // Polyhost scripts may await at top level; the raw context runs classic scripts only.
  js: 'await kv.get(key)',
  rawJs: '(async () => await kv.get(key))()',
}

/** The host's async lookup: resolves on the next turn of the event loop. */
const lookup = (key) => new Promise((resolve) => setImmediate(() => resolve(`v:${key}`)))

/**
 * Workload 5: async bridges under concurrency. 1,000 executions, 50 in flight, each
 * awaiting a bridge that resolves on the next event-loop turn (`setImmediate`). Polyhost
 * runs with the default pool (max 8 states: the other 42 wait for a state) and with
 * `max: 50`; the raw engines keep one state per in-flight slot.
 *
 * @param {import('../workloads.mjs').WorkloadContext} ctx
 * @returns {Promise<import('../workloads.mjs').WorkloadResult>}
 */
export async function asyncBridges(ctx) {
  const total = ctx.quick ? 200 : 1000
  const inFlight = 50
  const rows = []
  const ratios = []
  const poolRows = []
  for (const language of /** @type {const} */ (['lua', 'js'])) {
    let bestPoly
    for (const max of [8, 50]) {
      const name = `Polyhost, pool max ${max}: ${total} executions, ${inFlight} in flight`
      const r = await polyhost(ctx, language, { min: 1, max }, total, inFlight, name)
      rows.push(r.row)
      if (r.pool) poolRows.push([language, String(max), ...poolCells(r.pool)])
      if (max === 50) bestPoly = r.row
    }
    const raw = await rawRow(ctx, language, total, inFlight)
    rows.push(raw)
    ratios.push(timeRatio({ label: 'Async bridge throughput vs raw (pool max 50)', language, a: raw, b: bestPoly, goal: {} }))
  }
  return {
    id: 5,
    title: `Async bridges (${total} executions awaiting a next-tick bridge, ${inFlight} in flight)`,
    unit: `per batch of ${total} executions; throughput = ${total} / median`,
    rows,
    ratios,
    notes: [
      'Wall-clock time (the executions wait on timers by design), so load from other processes on the machine shows here.',
      'Throughput ratio is raw time over Polyhost time (1.0 = same executions per second); no goal is set for it.',
      'JS: Polyhost runs `await kv.get(key)` at top level; the raw context runs the same call inside an async arrow function.',
    ],
    table: {
      header: ['language', 'pool max', 'states created', 'acquired', 'acquire wait total', 'acquire wait max', 'resets', 'destroyed'],
      rows: poolRows,
    },
  }
}

// --- internal ---

async function polyhost(ctx, language, pool, total, inFlight, name) {
  const { host, core, note } = await openHost([language], { pool })
  if (!host) return { row: unavailable({ name, kind: 'polyhost', language }, note) }
  try {
    host.bridges.register(
      core.defineBridge({ name: 'kv', methods: { get: { args: [z.string()], returns: z.string(), handler: (_c, key) => lookup(key) } } }),
    )
    const source = SOURCES[language]
    const job = async (i) => {
      const key = `k${i}`
      const r = await host.execute({ language, source, globals: { key } })
      if (r.value !== `v:${key}`) throw new Error(`execution ${i} returned ${JSON.stringify(r.value)}`)
    }
    const row = await measure(
      { name, kind: 'polyhost', language, batch: total, opsPerUnit: 1, fn: () => runConcurrently(total, inFlight, job) },
      ctx.profile,
      'wall',
    )
    return { row, pool: host.stats().engines[language]?.pool }
  } finally {
    await host.close()
  }
}

async function rawRow(ctx, language, total, inFlight) {
  const name = `raw ${language === 'lua' ? 'fengari (yield/resume)' : 'QuickJS (VM promises)'}: ${inFlight} states`
  const slots = await Promise.all(Array.from({ length: inFlight }, () => (language === 'lua' ? luaSlot(lookup) : jsSlot(lookup))))
  const source = language === 'lua' ? rawLua.luaSource(SOURCES.lua) : SOURCES.rawJs
  const job = async (i, slot) => {
    const key = `k${i}`
    const v = await slots[slot].run(source, key)
    if (v !== `v:${key}`) throw new Error(`execution ${i} returned ${JSON.stringify(v)}`)
  }
  try {
    return await measure(
      { name, kind: 'raw', language, batch: total, fn: () => runConcurrently(total, inFlight, job) },
      ctx.profile,
      'wall',
    )
  } finally {
    for (const s of slots) s.close()
  }
}

function poolCells(p) {
  return [p.created, p.acquired, `${p.acquireWaitMsTotal.toFixed(0)} ms`, `${p.acquireWaitMsMax.toFixed(1)} ms`, p.resets, p.destroyed].map(
    String,
  )
}
