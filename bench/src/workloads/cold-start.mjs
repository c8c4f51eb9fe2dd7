import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { measureManual, summarize, unavailable } from '../harness.mjs'
import { absolute, report, timeRatio } from '../ratios.mjs'

const CHILD = fileURLToPath(new URL('../children/cold-start-child.mjs', import.meta.url))

/**
 * Workload 6: cold start as a whole process. The parent spawns `node` on a tiny script
 * and times from spawn to the line announcing the first results (one Lua, one JS).
 * An empty Node process and the raw engines give the baselines.
 *
 * @param {import('../workloads.mjs').WorkloadContext} ctx
 * @returns {Promise<import('../workloads.mjs').WorkloadResult>}
 */
export async function coldStart(ctx) {
  const count = ctx.quick ? 3 : 15
  const modes = [
    ['node', 'empty Node process (baseline)', 'floor'],
    ['raw', 'raw fengari + raw QuickJS: first result each', 'raw'],
    ['polyhost', 'Polyhost: createHost(lua + js) → first result each', 'polyhost'],
  ]
  const rows = {}
  const cpu = {}
  const main = {}
  for (const [mode, name, kind] of modes) {
    // The probe doubles as the warm-up process (file-system caches).
    const probe = await spawnChild(mode)
    cpu[mode] = []
    main[mode] = []
    const run = async () => {
      const r = await spawnChild(mode)
      cpu[mode].push(r.cpuMs)
      if (Number.isFinite(r.mainRunMs)) main[mode].push(r.mainRunMs)
      return r.wallMs
    }
    rows[mode] = probe.ok ? await measureManual({ name, kind }, run, count, false) : unavailable({ name, kind }, probe.error)
  }
  return {
    id: 6,
    title: 'Cold start (whole process: spawn → first result from Lua and from JS)',
    unit: 'per process, wall time from spawn to first results',
    rows: Object.values(rows),
    ratios: [
      absolute({ label: 'Cold start: process → createHost(lua + js) → first result', row: rows.polyhost, max: 150 }),
      report({
        label: 'Cold start above an empty Node process',
        value: both(rows.polyhost, rows.node) ? rows.polyhost.median - rows.node.median : undefined,
        unit: 'ms',
        detail: 'Polyhost median minus empty-process median',
      }),
      timeRatio({ label: 'Cold start vs raw engines (same process shape)', a: rows.polyhost, b: rows.raw, goal: {} }),
      // wall time on a shared machine waits for other processes; CPU time does not
      ...modes.map(([mode, name]) =>
        report({
          label: `CPU time per process: ${name}`,
          value: rows[mode]?.status === 'ok' ? summarize(cpu[mode]).median : undefined,
          unit: 'ms',
          detail: 'median; user + system of every thread of the child up to its first results',
        }),
      ),
      // the main thread's own time on a CPU: what the start-up costs on the critical path,
      // without the time it waited for a CPU that other processes held
      ...modes.map(([mode, name]) =>
        report({
          label: `Main thread on a CPU: ${name}`,
          value: rows[mode]?.status === 'ok' && main[mode].length ? summarize(main[mode]).median : undefined,
          unit: 'ms',
          detail: 'median; Linux schedstat of the child main thread up to its first results',
        }),
      ),
    ],
    notes: [
      `Each figure is the median of ${count} processes after one warm-up process (file-system cache warm).`,
      'The empty-process row is what Node itself costs on this machine; it is part of every other row.',
    ],
  }
}

// --- internal ---

function both(a, b) {
  return a?.status === 'ok' && b?.status === 'ok'
}

/**
 * @param {string} mode
 * @returns {Promise<{ ok: boolean, wallMs: number, cpuMs: number, mainRunMs?: number, error?: string }>}
 */
function spawnChild(mode) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn(process.execPath, [CHILD, mode], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    let wallMs
    child.stdout.on('data', (d) => {
      out += d
      if (wallMs === undefined && out.includes('\n')) wallMs = performance.now() - t0
    })
    child.stderr.on('data', (d) => (err += d))
    child.on('error', reject)
    child.on('close', () => {
      try {
        const msg = JSON.parse(out.split('\n')[0])
        resolve({ ok: msg.ok, wallMs: wallMs ?? Number.NaN, cpuMs: msg.cpuMs ?? Number.NaN, mainRunMs: msg.mainRunMs, error: msg.error })
      } catch {
        resolve({ ok: false, wallMs: Number.NaN, cpuMs: Number.NaN, error: `child printed no result: ${err.split('\n')[0]}` })
      }
    })
  })
}
