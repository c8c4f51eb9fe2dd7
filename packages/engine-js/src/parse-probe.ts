import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

/**
 * The probe thread: a plain QuickJS context that parses (compile only) what it is sent and
 * answers with the milliseconds it took. CommonJS source evaluated by the Worker, so it
 * runs the same from the TypeScript sources and from dist/.
 */
const PROBE_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const ready = require(workerData.quickjs).getQuickJS().then((m) => {
  const runtime = m.newRuntime()
  runtime.setMaxStackSize(workerData.stackBytes)
  runtime.setMemoryLimit(workerData.heapBytes)
  const ctx = runtime.newContext()
  // a first parse warms the parser's code up, which would otherwise count as the script's,
  // with the regexp compiler's case folding and Unicode tables
  const regexps = '/[a-z\\\\u00e0-\\\\u00ff]/i; /\\\\p{L}/u; /[\\\\p{Lu}\\\\P{N}]/iu; /[\\\\p{L}--\\\\q{ab}]/v;\\n'
  const warm = ctx.evalCode(regexps + 'function f(a, b) { let x = [a, { b }, "s", 1.5, /r/g]; for (const y of x) x += y; return x }\\n'.repeat(200), 'warm.js', 32)
  if (warm.error) warm.error.dispose()
  else warm.value.dispose()
  parentPort.postMessage('ready')
  return ctx
})
parentPort.on('message', async ({ source, name, flags }) => {
  const ctx = await ready
  const t0 = performance.now()
  try {
    const r = ctx.evalCode(source, name, flags)
    if (r.error) r.error.dispose()
    else r.value.dispose()
    parentPort.postMessage({ ms: performance.now() - t0, broken: false })
  } catch (e) {
    // QuickJS itself failed (its parser overflowed this thread's stack): the instance may
    // be inconsistent, so the thread ends; the engine's own compile reports the error
    parentPort.postMessage({ ms: performance.now() - t0, broken: true })
    process.exit(0)
  }
})
`

/** What a probe found: the parse's milliseconds, or that it ran past its budget (and was stopped). */
export type ProbeResult = { readonly ms: number; readonly stopped: boolean }

/**
 * QuickJS's parser never calls the interrupt handler, and some sources parse in quadratic
 * time (`let v0, …, v39999`: 13.6 s). Before the engine parses a large source on a thread
 * it cannot interrupt, the same parse runs here on a thread that can be stopped: past its
 * budget the thread is terminated (and made again for the next probe).
 */
export class ParseProbe {
  private worker: Worker | undefined
  private ready: Promise<void> | undefined
  private tail: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly stackBytes: number,
    private readonly heapBytes: number,
  ) {}

  /** Parses `source` off-thread with `flags` (compile only); one probe at a time. */
  time(source: string, name: string, flags: number, budgetMs: number): Promise<ProbeResult> {
    const run = this.tail.then(() => this.once(source, name, flags, budgetMs))
    this.tail = run.catch(() => undefined)
    return run
  }

  async close(): Promise<void> {
    const w = this.worker
    this.worker = undefined
    await w?.terminate()
  }

  // --- internal ---

  private async once(source: string, name: string, flags: number, budgetMs: number): Promise<ProbeResult> {
    const worker = this.thread()
    // the budget is the parse's: loading QuickJS in a new thread does not count
    await this.ready
    // a thread that could not start leaves the parse to the engine's own compile
    if (this.worker !== worker) return { ms: 0, stopped: false }
    const t0 = performance.now()
    return new Promise<ProbeResult>((resolve) => {
      const done = () => {
        clearTimeout(timer)
        worker.off('message', onMessage)
        worker.off('error', onError)
        worker.off('exit', onError)
      }
      const onMessage = (m: { ms: number; broken: boolean }) => {
        done()
        if (m.broken && this.worker === worker) this.worker = undefined
        resolve({ ms: m.ms, stopped: false })
      }
      // the thread failed or ended without an answer: the engine's own compile decides
      const onError = () => {
        done()
        if (this.worker === worker) this.worker = undefined
        resolve({ ms: performance.now() - t0, stopped: false })
      }
      const timer = setTimeout(() => {
        done()
        if (this.worker === worker) this.worker = undefined
        void worker.terminate()
        // the next probe should not wait for QuickJS to load
        this.thread()
        resolve({ ms: performance.now() - t0, stopped: true })
      }, budgetMs)
      worker.on('message', onMessage)
      worker.on('error', onError)
      worker.on('exit', onError)
      worker.postMessage({ source, name, flags })
    })
  }

  private thread(): Worker {
    if (!this.worker) {
      const quickjs = createRequire(import.meta.url).resolve('quickjs-emscripten')
      const worker = new Worker(PROBE_SOURCE, {
        eval: true,
        workerData: { quickjs, stackBytes: this.stackBytes, heapBytes: this.heapBytes },
      })
      // an idle probe thread must not keep the process alive
      worker.unref()
      // a failed or ended thread is replaced at the next probe (and an 'error' event
      // without a listener would end the host process)
      const gone = () => {
        if (this.worker === worker) this.worker = undefined
      }
      worker.on('exit', gone)
      worker.on('error', gone)
      // settles when the thread is up, or has failed (then the next probe finds it gone)
      this.ready = new Promise<void>((resolve) => {
        worker.once('message', () => resolve())
        worker.once('exit', () => resolve())
      })
      this.worker = worker
    }
    return this.worker
  }
}
