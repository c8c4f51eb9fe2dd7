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

/** One parse on a probe thread: its milliseconds, whether it was stopped, whether the thread is gone. */
export type ThreadParse = { readonly ms: number; readonly stopped: boolean; readonly ended: boolean }

/**
 * One probe thread, one parse at a time. A parse past its budget terminates the thread
 * (QuickJS's parser cannot be interrupted); a thread that failed or ended is `ended` and
 * is never used again.
 */
export class ProbeThread {
  /** Settles when the thread is up (true) or could not start (false). */
  readonly ready: Promise<boolean>
  isReady = false
  busy = false
  ended = false
  private readonly worker: Worker

  constructor(stackBytes: number, heapBytes: number) {
    const quickjs = createRequire(import.meta.url).resolve('quickjs-emscripten')
    const worker = new Worker(PROBE_SOURCE, { eval: true, workerData: { quickjs, stackBytes, heapBytes } })
    // an idle probe thread must not keep the process alive
    worker.unref()
    // an 'error' event without a listener would end the host process
    const gone = () => {
      this.ended = true
    }
    worker.on('exit', gone)
    worker.on('error', gone)
    this.ready = new Promise<boolean>((resolve) => {
      worker.once('message', () => {
        this.isReady = !this.ended
        resolve(this.isReady)
      })
      worker.once('exit', () => resolve(false))
    })
    this.worker = worker
  }

  /** Parses `source` with `flags` (compile only); past `budgetMs` the thread is terminated. */
  parse(source: string, name: string, flags: number, budgetMs: number): Promise<ThreadParse> {
    const worker = this.worker
    const t0 = performance.now()
    this.busy = true
    return new Promise<ThreadParse>((resolve) => {
      const done = (r: ThreadParse) => {
        clearTimeout(timer)
        worker.off('message', onMessage)
        worker.off('error', onError)
        worker.off('exit', onError)
        this.busy = false
        if (r.ended) this.ended = true
        resolve(r)
      }
      const onMessage = (m: { ms: number; broken: boolean }) => done({ ms: m.ms, stopped: false, ended: m.broken })
      // the thread failed or ended without an answer: the engine's own compile decides
      const onError = () => done({ ms: performance.now() - t0, stopped: false, ended: true })
      const timer = setTimeout(() => {
        this.terminate()
        done({ ms: performance.now() - t0, stopped: true, ended: true })
      }, budgetMs)
      worker.on('message', onMessage)
      worker.on('error', onError)
      worker.on('exit', onError)
      worker.postMessage({ source, name, flags })
    })
  }

  terminate(): Promise<number> {
    this.ended = true
    return this.worker.terminate()
  }
}
