import type { Execution } from '@polyhost/core/engine'
import { TICKS_PER_INTERRUPT } from './limits.js'

/**
 * QuickJS's interrupt handler for one state: counts the calls (the instruction measure),
 * and stops the running code when the execution has a fatal error, its heap refused to
 * grow, a set-up ran past its deadline, or core's one instruction and deadline check
 * (`Execution.overBudget`, which Lua's count hook uses too) says so.
 */
export class InterruptMeter {
  /** Interrupt calls of the current execution. */
  ticks = 0
  /** Deadline of a running set-up (its init script); Infinity otherwise. */
  setupDeadline = Number.POSITIVE_INFINITY

  /** Starts counting for an execution. */
  start(): void {
    this.ticks = 0
  }

  /** Instructions the current execution has used, in the unit of the limit. */
  get instructions(): number {
    return this.ticks * TICKS_PER_INTERRUPT
  }

  /** True when the running code must stop (the reason is recorded on the execution). */
  interrupt(ex: Execution | undefined, heap: { memoryTrip(): Error | undefined }): boolean {
    if (!ex) return performance.now() > this.setupDeadline
    this.ticks++
    if (ex.fatal) return true
    if (heap.memoryTrip()) return true
    return ex.overBudget(this.instructions) !== undefined
  }
}
