import v8 from 'node:v8'
import vm from 'node:vm'
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

/**
 * Harness settings for the full run and for the CI smoke run. `rounds`: tasks that are
 * compared run interleaved in this many rounds (A B, then B A, ...) so that drift on a
 * shared machine (other processes, heap growth, JIT tiering) lands on both sides.
 */
export const PROFILES = {
  full: { warmupTime: 300, warmupIterations: 3, time: 1500, iterations: 9, rounds: 3 },
  quick: { warmupTime: 10, warmupIterations: 1, time: 50, iterations: 6, rounds: 2 },
}

/**
 * @typedef {object} TaskSpec
 * @property {string} name
 * @property {Measurement['kind']} kind
 * @property {string} [language]
 * @property {() => unknown} fn one sample: runs `batch` operations
 * @property {number} [batch] operations per call of `fn` (default 1)
 * @property {number} [opsPerUnit] inner operations per operation, for rates
 * @property {boolean} [gc] collect garbage before samples (outside the timing), for heavy
 *   workloads whose garbage would otherwise be paid by whichever task runs next
 */

/**
 * Measures one task; see `measureGroup`.
 * @param {TaskSpec} spec
 * @param {typeof PROFILES.full} profile
 * @param {'cpu' | 'wall'} [clock]
 * @returns {Promise<Measurement>}
 */
export async function measure(spec, profile, clock = 'cpu') {
  return (await measureGroup([spec], profile, clock))[0]
}

/**
 * A `gc()` for collecting outside the timing. Set at run time rather than with the
 * `--expose-gc` flag: worker threads inherit the process's execArgv and refuse that flag.
 */
export function exposeGc() {
  if (typeof globalThis.gc === 'function') return
  v8.setFlagsFromString('--expose-gc')
  globalThis.gc = vm.runInNewContext('gc')
}

/** Process CPU time (user + system) in milliseconds. */
export function cpuNow() {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

/**
 * Measures tasks that will be compared with tinybench: warm-up first, then samples in
 * `profile.rounds` interleaved rounds (order reversed every other round), at least
 * `profile.iterations` samples per task in all. A sample is one call of `fn`; `fn` may
 * loop over `batch` operations itself so that micro-operations are timed in batches and
 * the per-operation figures are the batch time divided by `batch` (a lone 5 µs call is
 * mostly timer noise and GC luck). A task that throws is reported as failed.
 *
 * The clock is the process's CPU time (user + system, all threads) by default: on a shared
 * machine, time spent waiting for a core is not the code's cost, and wall time on a loaded
 * 2-core box varied 2.5× where CPU time varied ±12%. Workloads that wait on purpose
 * (timers, child processes) pass `'wall'`.
 *
 * @param {TaskSpec[]} specs
 * @param {typeof PROFILES.full} profile
 * @param {'cpu' | 'wall'} [clock]
 * @returns {Promise<Measurement[]>}
 */
export async function measureGroup(specs, profile, clock = 'cpu') {
  const samples = specs.map(() => /** @type {number[]} */ ([]))
  const errors = specs.map(() => /** @type {unknown} */ (undefined))
  const perRound = Math.max(2, Math.ceil(profile.iterations / profile.rounds))
  for (let round = 0; round < profile.rounds; round++) {
    const order = specs.map((_, i) => i).filter((i) => errors[i] === undefined)
    if (round % 2) order.reverse()
    for (const i of order) {
      const spec = specs[i]
      const bench = new Bench({
        name: spec.name,
        throws: true,
        retainSamples: true,
        now: clock === 'cpu' ? cpuNow : () => performance.now(),
        warmup: round === 0,
        warmupTime: profile.warmupTime,
        warmupIterations: profile.warmupIterations,
        time: profile.time / profile.rounds,
        iterations: perRound,
      })
      bench.add(spec.name, spec.fn, spec.gc ? { beforeAll: collect, beforeEach: collectSometimes } : {})
      try {
        await bench.run()
        const r = bench.tasks[0]?.result
        if (!r || !('latency' in r) || !r.latency.samples) throw new Error(`no result (${r?.state ?? 'missing'})`)
        samples[i].push(...r.latency.samples)
      } catch (e) {
        errors[i] = e
      }
    }
  }
  return specs.map((spec, i) => {
    if (errors[i] !== undefined) return failed(spec, errors[i])
    const batch = spec.batch ?? 1
    const s = summarize(samples[i].map((x) => x / batch))
    return {
      name: spec.name,
      kind: spec.kind,
      language: spec.language,
      status: 'ok',
      ...s,
      samples: samples[i].length,
      opsPerUnit: spec.opsPerUnit,
    }
  })
}

/**
 * Times `fn` `count` times by hand, for things tinybench cannot repeat in-process
 * (a whole child process). Reports the same shape as `measure`.
 *
 * @param {{ name: string, kind: Measurement['kind'], language?: string }} spec
 * @param {() => Promise<number>} fn returns the milliseconds one sample took
 * @param {number} count
 * @param {boolean} [warmup] one unrecorded run first (file-system caches); default true
 * @returns {Promise<Measurement>}
 */
export async function measureManual(spec, fn, count, warmup = true) {
  const times = []
  try {
    if (warmup) await fn()
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
 * A row for a path that threw: its first message line is the note.
 * @param {{ name: string, kind: Measurement['kind'], language?: string }} spec
 * @param {unknown} e
 * @returns {Measurement}
 */
export function failed(spec, e) {
  const message = e instanceof Error ? e.message : String(e)
  return { name: spec.name, kind: spec.kind, language: spec.language, status: 'failed', note: message.split('\n')[0] }
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

let lastCollect = 0

function collect() {
  globalThis.gc?.()
  lastCollect = performance.now()
}

/** At most every 200 ms: light tasks take hundreds of samples and a full GC costs ms. */
function collectSometimes() {
  if (performance.now() - lastCollect > 200) collect()
}
