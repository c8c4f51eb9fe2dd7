import type { Execution } from '@polyhost/core/engine'
import { QUICKJS_TICKS, TICKS_PER_CHECK } from './interrupt-counter.js'

/** Where the meter writes the tick budget of a context: its address in linear memory. */
export interface TickCounter {
  /** Byte address of the context's `interrupt_counter`. */
  readonly at: number
  /** The linear memory as 32-bit words (a new view after the memory grew). */
  words(): Int32Array
}

/**
 * QuickJS's interrupt handler for one state: counts the ticks (the instruction measure),
 * and stops the running code when the execution has a fatal error, its heap refused to
 * grow, a set-up ran past its deadline, or core's one instruction and deadline check
 * (`Execution.overBudget`, which Lua's count hook uses too) says so. With the context's
 * tick counter found (interrupt-counter.ts) it gives QuickJS 1,000 ticks between checks
 * instead of 10,000.
 */
export class InterruptMeter {
  /** Ticks of the current execution, counted a budget at a time. */
  ticks = 0
  /** Deadline of a running set-up (its init script); Infinity otherwise. */
  setupDeadline = Number.POSITIVE_INFINITY
  private counter: TickCounter | undefined

  /** Ticks between two checks. */
  get budget(): number {
    return this.counter ? TICKS_PER_CHECK : QUICKJS_TICKS
  }

  /** Uses the context's tick counter from now on (and shortens the current budget). */
  useCounter(counter: TickCounter): void {
    this.counter = counter
    this.refill()
  }

  /** Starts counting for an execution, with a full budget before its first check. */
  start(): void {
    this.ticks = 0
    this.refill()
  }

  /** Instructions the current execution has used, in the unit of the limit. */
  get instructions(): number {
    return this.ticks
  }

  /** True when the running code must stop (the reason is recorded on the execution). */
  interrupt(ex: Execution | undefined, heap: { memoryTrip(): Error | undefined }): boolean {
    if (!ex) return this.refill(performance.now() > this.setupDeadline)
    this.ticks += this.budget
    if (ex.fatal) return true
    if (heap.memoryTrip()) return true
    return this.refill(ex.overBudget(this.instructions) !== undefined)
  }

  /**
   * Makes QuickJS call the handler at its next check point (a call or a loop's jump): a
   * builtin that walks a large input is about to run, or has run (guest-heavy-builtins.ts),
   * or the heap refused to grow. The ticks of the budget left unused are not counted.
   */
  pollSoon(): void {
    const c = this.counter
    if (!c) return
    const words = c.words()
    const left = words[c.at >> 2] as number
    if (left > 1) this.ticks -= left - 1
    words[c.at >> 2] = 1
  }

  /**
   * Whether a builtin call that no check can stop, known to take at least `ms`, can finish
   * before the execution's deadline (guest-unicode-text.ts). If not, the execution's timeout
   * is recorded (at the time it would have ended) and the running code stops at its next
   * check. A set-up (no execution) is bounded by its own deadline at the checks.
   */
  afford(ex: Execution | undefined, ms: number): boolean {
    if (this.fits(ex, ms)) return true
    if (!ex || ex.fatal) return false
    ex.trip('timeout', Math.ceil(performance.now() - ex.startedAt + ms))
    this.pollSoon()
    return false
  }

  /**
   * Whether `ms` of work fits in the execution's time left, as `afford` decides, recording
   * nothing either way: a worst case asked before the work is counted (guest-string-search.ts's
   * replace).
   */
  fits(ex: Execution | undefined, ms: number): boolean {
    if (!ex) return true
    if (ex.fatal) return false
    return !(ms > 0) || performance.now() + ms <= ex.deadline
  }

  /** QuickJS has just reset its counter to 10,000: the next check comes after our budget. */
  private refill(stop = false): boolean {
    const c = this.counter
    if (c && !stop) c.words()[c.at >> 2] = TICKS_PER_CHECK
    return stop
  }
}
