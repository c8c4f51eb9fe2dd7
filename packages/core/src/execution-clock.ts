import { MAX_TIMER_MS } from '@polyhost/security'

/**
 * The time limit of an execution. It runs from when the execution is made, unless the engine
 * says when the script starts on its state (`runPooled` does): a wait for a state (or a worker)
 * is held off it (`holdClock`), bounded by the pool's acquire timeout and the caller's signal
 * instead, and `begin` starts it for good. Hosts never report a timeout for a script that did
 * not run.
 */
export abstract class ExecutionClock {
  private clockStart = performance.now()
  private deadlineAt: number
  /** The script started on its state (`begin`): the clock no longer holds or restarts. */
  private started = false
  protected timer: ReturnType<typeof setTimeout> | undefined
  protected epoch: number | undefined

  constructor(private readonly timeoutMs: number | false) {
    this.deadlineAt = this.endOf(this.clockStart)
  }

  /** When the clock of `timeoutMs` and `durationMs` started: when made, else at `startClock`/`begin`. */
  get startedAt(): number {
    return this.clockStart
  }

  /** `performance.now()` value after which the execution has timed out (Infinity: none, or held). */
  get deadline(): number {
    return this.deadlineAt
  }

  /** Whether the script started on its state (`begin`). */
  get begun(): boolean {
    return this.started
  }

  /**
   * The wall-clock time (ms since the epoch) the execution started at. Read when first asked
   * (the frozen clock of a deterministic policy): a clock read costs more than a tiny script.
   */
  get startedAtEpoch(): number {
    this.epoch ??= Date.now() - (performance.now() - this.startedAt)
    return this.epoch
  }

  /**
   * Holds the time limit while the execution waits for a state (or a worker): that wait is
   * bounded by the pool's acquire timeout and the caller's signal, not by the script's limit.
   */
  holdClock(): void {
    if (this.started) return
    this.deadlineAt = Number.POSITIVE_INFINITY
    clearTimeout(this.timer)
    this.timer = undefined
  }

  /** (Re)starts the time limit from `now`, unless the script began; `final`: it begins now. */
  startClock(now: number = performance.now(), final = false): void {
    if (this.started) return
    this.started = final
    this.clockStart = now
    this.epoch = undefined
    this.deadlineAt = this.endOf(now)
    clearTimeout(this.timer)
    this.timer = undefined
    if (this.timerWanted()) this.startTimer()
  }

  /**
   * The script's run was lost and it will start over from its beginning (worker mode: a
   * bystander of another execution's kill, run again on a new worker): its time limit runs anew
   * when the new run begins, and is held until then, as for a first run. What the lost run used
   * was mostly the other execution's overrun and the restart, not this script's own work.
   */
  restartClock(): void {
    this.started = false
    this.holdClock()
  }

  /** The script starts on its state now (`runPooled` holds the lease): `timeoutMs` runs from here. */
  begin(now?: number): void {
    this.startClock(now, true)
  }

  /** Records a timeout trip. */
  abstract tripTimeout(): Error

  /** Whether a deadline timer should run now (the signal is armed and the execution live). */
  protected abstract timerWanted(): boolean

  /** The deadline timer (for an armed signal). */
  protected startTimer(): void {
    if (this.deadlineAt === Number.POSITIVE_INFINITY) return
    // one millisecond past the deadline: the execution is over it (check() trips on `>`),
    // and the trip reads as the time used above the limit, like check()'s
    // (never past what a timer holds: the limit itself is at most 2^31 − 1 ms)
    const left = Math.min(Math.max(0, this.deadlineAt - performance.now()) + 1, MAX_TIMER_MS)
    // not unref'd: while an execution is pending (a bridge promise nothing else keeps
    // alive) its deadline must still come, rather than the process exiting under it
    this.timer = setTimeout(() => this.tripTimeout(), left)
  }

  private endOf(start: number): number {
    return this.timeoutMs === false ? Number.POSITIVE_INFINITY : start + this.timeoutMs
  }
}
