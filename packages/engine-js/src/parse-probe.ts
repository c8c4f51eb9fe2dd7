import { ProbeThread } from './probe-thread.js'

/**
 * What a probe found: the parse's milliseconds, whether it ran past the budget (and was
 * stopped, or never started: `ms` 0), and how long it waited for a probe thread first.
 */
export type ProbeResult = { readonly ms: number; readonly stopped: boolean; readonly waitedMs: number }

/** Probe threads at most: a second one starts once a probe runs, so another need not wait for it. */
const MAX_THREADS = 2

interface Waiter {
  readonly source: string
  readonly name: string
  readonly flags: number
  readonly budgetMs: number
  readonly resolve: (r: ProbeResult) => void
  /** When its clock started: at the request, or once a thread was up (loading is not its time). */
  since?: number
  timer?: ReturnType<typeof setTimeout>
}

/**
 * QuickJS's parser never calls the interrupt handler, and some sources parse in quadratic
 * time (`let v0, …, v39999`: 13.6 s). Before the engine parses a large source on a thread
 * it cannot interrupt, the same parse runs on a probe thread that can be stopped.
 *
 * The threads are shared by every caller of an engine, so the wait for one counts against
 * each request's own budget: a request still waiting at its budget's end is dropped (stopped,
 * never parsed), one that starts gets what is left of it, and a parse past that is terminated
 * and its thread replaced. Waiting requests go shortest source first (ties in arrival order):
 * one large slow source, or a queue of them, does not hold a small one for its whole budget.
 * Starting a thread (loading QuickJS, ~0.3-0.7 s) does not count while no thread is up.
 */
export class ParseProbe {
  private readonly threads: ProbeThread[] = []
  private readonly queue: Waiter[] = []

  constructor(
    private readonly stackBytes: number,
    private readonly heapBytes: number,
  ) {}

  /** Parses `source` off-thread with `flags` (compile only) within `budgetMs` from now. */
  time(source: string, name: string, flags: number, budgetMs: number): Promise<ProbeResult> {
    return new Promise<ProbeResult>((resolve) => {
      const waiter: Waiter = { source, name, flags, budgetMs, resolve }
      this.queue.push(waiter)
      if (this.threads.some((t) => t.isReady)) this.startClock(waiter)
      this.pump()
    })
  }

  async close(): Promise<void> {
    for (const w of this.queue.splice(0)) this.settle(w, { ms: 0, stopped: false, waitedMs: 0 })
    await Promise.all(this.threads.splice(0).map((t) => t.terminate()))
  }

  // --- internal ---

  /** Hands waiters to idle threads, and starts a thread when one is missing. */
  private pump(): void {
    for (;;) {
      this.drop((t) => t.ended)
      const idle = this.threads.find((t) => t.isReady && !t.busy)
      // while a probe runs, a second thread is up or starting: the next request does not wait
      // for the running parse, nor for QuickJS to load
      if (!idle && this.threads.length < MAX_THREADS && this.threads.every((t) => t.isReady)) {
        if (this.queue.length > 0 || this.threads.length > 0) this.spawn()
      }
      if (!idle || this.queue.length === 0) return
      const waiter = this.next()
      const waitedMs = waiter.since === undefined ? 0 : performance.now() - waiter.since
      const left = waiter.budgetMs - waitedMs
      if (left <= 0) {
        this.settle(waiter, { ms: 0, stopped: true, waitedMs })
        continue
      }
      void idle.parse(waiter.source, waiter.name, waiter.flags, left).then((r) => {
        this.settle(waiter, { ms: r.ms, stopped: r.stopped, waitedMs })
        // the next probe should not wait for QuickJS to load
        if (r.stopped) this.spawnIfNone()
        this.pump()
      })
    }
  }

  /** The waiting request with the shortest source (the earliest of equal ones), taken off the queue. */
  private next(): Waiter {
    let best = 0
    for (let i = 1; i < this.queue.length; i++) {
      if ((this.queue[i] as Waiter).source.length < (this.queue[best] as Waiter).source.length) best = i
    }
    return this.queue.splice(best, 1)[0] as Waiter
  }

  private startClock(waiter: Waiter): void {
    waiter.since = performance.now()
    waiter.timer = setTimeout(() => {
      const i = this.queue.indexOf(waiter)
      if (i < 0) return
      this.queue.splice(i, 1)
      this.settle(waiter, { ms: 0, stopped: true, waitedMs: performance.now() - (waiter.since as number) })
    }, waiter.budgetMs)
  }

  private settle(waiter: Waiter, r: ProbeResult): void {
    clearTimeout(waiter.timer)
    waiter.resolve(r)
  }

  private spawn(): void {
    const thread = new ProbeThread(this.stackBytes, this.heapBytes)
    this.threads.push(thread)
    void thread.ready.then((up) => {
      if (!this.threads.includes(thread)) return
      if (up) {
        // loading QuickJS was nobody's time: the clocks of those who waited for it start now
        for (const w of this.queue) if (w.since === undefined) this.startClock(w)
      } else {
        this.drop((t) => t === thread)
        // a thread that cannot start leaves the parse to the engine's own compile
        if (!this.threads.some((t) => t.isReady)) {
          for (const w of this.queue.splice(0)) this.settle(w, { ms: 0, stopped: false, waitedMs: 0 })
        }
      }
      this.pump()
    })
  }

  private spawnIfNone(): void {
    this.drop((t) => t.ended)
    if (this.threads.length === 0) this.spawn()
  }

  private drop(which: (t: ProbeThread) => boolean): void {
    for (let i = this.threads.length - 1; i >= 0; i--) if (which(this.threads[i] as ProbeThread)) this.threads.splice(i, 1)
  }
}
