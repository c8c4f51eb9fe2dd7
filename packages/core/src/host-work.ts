/**
 * The host's running work (executions, compiles, script runs): how much there is, and the
 * callers waiting for it to end (a close). A count, not a set of promises: tracking each
 * promise cost a `then` and two set operations per execution, a tenth of a tiny one.
 *
 * @example
 * const work = new RunningWork()
 * const result = await work.run(() => engine.execute(script, request))
 * await work.settledWithin(5_000) // on close: everything ended, or 5 s passed
 */
export class RunningWork {
  private count = 0
  private readonly waiters = new Set<() => void>()

  /** Work under way now. */
  get size(): number {
    return this.count
  }

  /** Runs `fn` as work: counted from now until its promise settles (or it throws). */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    this.count++
    try {
      return await fn()
    } finally {
      if (--this.count === 0) this.wake()
    }
  }

  /** Resolves once no work is under way, or after `ms`, whichever comes first. */
  settledWithin(ms: number): Promise<void> {
    if (this.count === 0) return Promise.resolve()
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.waiters.delete(done)
        resolve()
      }
      const timer = setTimeout(done, ms)
      this.waiters.add(done)
    })
  }

  private wake(): void {
    for (const done of [...this.waiters]) done()
  }
}
