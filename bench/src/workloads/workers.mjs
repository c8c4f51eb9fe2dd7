import os from 'node:os'
import { measureGroup, unavailable } from '../harness.mjs'
import { openHost } from '../polyhost.mjs'
import { absolute, timeRatio } from '../ratios.mjs'
import { runConcurrently } from '../raw/raw-async.mjs'

const TINY = { lua: 'return a + b', js: 'a + b' }
const FIB = {
  lua: 'local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end return fib(21)',
  js: '(() => { const fib = (n) => (n < 2 ? n : fib(n - 1) + fib(n - 2)); return fib(24) })()',
}
const FIB_VALUES = { lua: 10946, js: 46368 }
/** The same host-wide pool for 1 and 2 workers (split over the workers), pre-warmed. */
const POOL = { min: 4, max: 4 }

/**
 * Workload 8: `isolation: 'worker'`. Per-execution overhead of a worker against inline for
 * a tiny script, and throughput of CPU-bound executions with 1 against 2 workers (the
 * machine has `os.availableParallelism()` cores). Wall-clock time: the work happens on
 * other threads, and what a caller waits for is the point.
 *
 * @param {import('../workloads.mjs').WorkloadContext} ctx
 * @returns {Promise<import('../workloads.mjs').WorkloadResult>}
 */
export async function workers(ctx) {
  const rows = []
  const ratios = []
  const batch = ctx.quick ? 20 : 100
  const cpuJobs = ctx.quick ? 4 : 32
  for (const language of /** @type {const} */ (['lua', 'js'])) {
    const hosts = {
      inline: await openHost([language]),
      w1: await openHost([language], { isolation: 'worker', workers: 1, pool: POOL }),
      w2: await openHost([language], { isolation: 'worker', workers: 2, pool: POOL }),
    }
    const names = {
      inline: 'tiny, inline',
      worker: 'tiny, worker (1 worker)',
      one: `${cpuJobs} × fib, 1 worker, 4 in flight`,
      two: `${cpuJobs} × fib, 2 workers, 4 in flight`,
    }
    const specs = []
    const tinyRun = (h) => async () => {
      for (let i = 0; i < batch; i++) await h.execute({ language, source: TINY[language], globals: { a: 1, b: 2 } })
    }
    const fibRun = (h) => () =>
      runConcurrently(cpuJobs, 4, async () => {
        const r = await h.execute({ language, source: FIB[language] })
        if (r.value !== FIB_VALUES[language]) throw new Error(`fib returned ${JSON.stringify(r.value)}`)
      })
    const add = (key, h, fn, extra = {}) => {
      if (h.host) specs.push({ key, name: names[key], kind: 'polyhost', language, fn: fn(h.host), ...extra })
      else rows.push(unavailable({ name: names[key], kind: 'polyhost', language }, h.note))
    }
    add('inline', hosts.inline, tinyRun, { batch })
    add('worker', hosts.w1, tinyRun, { batch })
    add('one', hosts.w1, fibRun, { batch: cpuJobs, opsPerUnit: 1 })
    add('two', hosts.w2, fibRun, { batch: cpuJobs, opsPerUnit: 1 })
    const measured = await measureGroup(specs, ctx.profile, 'wall')
    for (const h of Object.values(hosts)) await h.host?.close()
    const by = Object.fromEntries(specs.map((s, i) => [s.key, measured[i]]))
    rows.push(...measured)
    const overhead =
      by.inline?.status === 'ok' && by.worker?.status === 'ok'
        ? { ...by.worker, name: 'worker − inline', median: by.worker.median - by.inline.median, samples: by.worker.samples }
        : by.worker
    ratios.push(
      absolute({ label: 'Worker overhead per tiny execution', language, row: overhead, max: 100, unit: 'µs' }),
      timeRatio({ label: 'CPU-bound throughput, 2 workers vs 1', language, a: by.one, b: by.two, goal: { min: 1.8 } }),
    )
  }
  return {
    id: 8,
    title: "Worker isolation (`isolation: 'worker'`)",
    unit: 'per execution (tiny); per execution of a batch (fib), wall-clock',
    rows,
    ratios,
    notes: [
      `This machine reports ${os.availableParallelism()} cores; two workers can be at most 2× one worker, and less while other processes use a core.`,
      'Worker overhead is the median of the worker row minus the median of the inline row (both tiny, executed one after another).',
    ],
  }
}
