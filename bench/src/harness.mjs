import { Bench } from 'tinybench'

/**
 * @typedef {object} Measurement
 * @property {string} name
 * @property {'polyhost' | 'raw' | 'peer' | 'floor'} kind
 * @property {string} [language]
 * @property {'ok' | 'not available' | 'failed'} status
 * @property {string} [note] why a row is not available or failed
 * @property {number} [median] milliseconds per operation
 * @property {number} [min] milliseconds per operation, fastest sample
 * @property {number} [max] milliseconds per operation, slowest sample
 * @property {number} [samples]
 * @property {number} [opsPerUnit] operations inside one measured unit (e.g. 100k bridge calls)
 */

/** Harness settings for the full run and for the CI smoke run. */
export const PROFILES = {
  full: { warmupTime: 300, warmupIterations: 5, time: 1500, iterations: 7 },
  quick: { warmupTime: 20, warmupIterations: 1, time: 100, iterations: 5 },
}

/**
 * Measures one task with tinybench: warm-up first, then at least `iterations` samples
 * (more while the time budget lasts). A sample is one call of `fn`; `fn` may loop over
 * `batch` operations itself so that micro-operations are timed in batches and the
 * per-operation figures are the batch time divided by `batch` (a lone 5 µs call is
 * mostly timer noise and GC luck).
 *
 * @param {object} spec
 * @param {string} spec.name
 * @param {Measurement['kind']} spec.kind
 * @param {string} [spec.language]
 * @param {() => unknown} spec.fn one sample: runs `batch` operations
 * @param {number} [spec.batch] operations per call of `fn` (default 1)
 * @param {number} [spec.opsPerUnit] inner operations per operation, for rates
 * @param {typeof PROFILES.full} profile
 * @returns {Promise<Measurement>}
 */
export async function measure(spec, profile) {
  const batch = spec.batch ?? 1
  const bench = new Bench({
    name: spec.name,
    throws: true,
    warmup: true,
    warmupTime: profile.warmupTime,
    warmupIterations: profile.warmupIterations,
    time: profile.time,
    iterations: profile.iterations,
  })
  bench.add(spec.name, spec.fn)
  try {
    await bench.run()
  } catch (e) {
    return failed(spec, e)
  }
  const task = bench.tasks[0]
  const r = task?.result
  if (!r || !('latency' in r)) return failed(spec, new Error(`no result (${r?.state ?? 'missing'})`))
  const l = r.latency
  return {
    name: spec.name,
    kind: spec.kind,
    language: spec.language,
    status: 'ok',
    median: l.p50 / batch,
    min: l.min / batch,
    max: l.max / batch,
    samples: l.samplesCount,
    opsPerUnit: spec.opsPerUnit,
  }
}

/**
 * Times `fn` `count` times by hand, for things tinybench cannot repeat in-process
 * (a whole child process). Reports the same shape as `measure`.
 *
 * @param {{ name: string, kind: Measurement['kind'], language?: string }} spec
 * @param {() => Promise<number>} fn returns the milliseconds one sample took
 * @param {number} count
 * @returns {Promise<Measurement>}
 */
export async function measureManual(spec, fn, count) {
  const times = []
  try {
    await fn() // warm-up: file system caches, compiled code cache
    for (let i = 0; i < count; i++) times.push(await fn())
  } catch (e) {
    return failed(spec, e)
  }
  const s = summarize(times)
  return { ...spec, status: 'ok', ...s, samples: times.length }
}

/**
 * A row for a path that cannot run here (engine not built yet, peer not installed).
 * @param {{ name: string, kind: Measurement['kind'], language?: string }} spec
 * @param {string} note
 * @returns {Measurement}
 */
export function unavailable(spec, note) {
  return { ...spec, status: 'not available', note }
}

/**
 * Median, min and max of a list of numbers.
 * @param {number[]} values
 */
export function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
  return { median, min: sorted[0], max: sorted[sorted.length - 1] }
}

// --- internal ---

/**
 * @param {{ name: string, kind: Measurement['kind'], language?: string }} spec
 * @param {unknown} e
 * @returns {Measurement}
 */
function failed(spec, e) {
  const message = e instanceof Error ? e.message : String(e)
  return { name: spec.name, kind: spec.kind, language: spec.language, status: 'failed', note: message.split('\n')[0] }
}
