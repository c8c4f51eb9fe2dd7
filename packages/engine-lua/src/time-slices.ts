import type { LuaState } from './fengari-types.js'

/**
 * Inline time slicing of one execution: when a slice ends, the thread the count hook runs
 * on yields. The script's own thread yields to the runner, which gives the event loop a
 * turn; a coroutine the script made yields to its `resume` (or `wrap` function), which
 * passes the slice up level by level (fengari-slice-patches.ts), so a busy loop inside a
 * coroutine is sliced as one in the script's body is. A frame that cannot yield (a
 * metamethod or sort comparator fengari calls without continuation) runs on; limits still
 * stop it.
 */
export class TimeSlices {
  private thread: LuaState | undefined
  private ms = 0
  private end = Number.POSITIVE_INFINITY
  private runnerYield = false
  /** A script-made coroutine that yielded because the slice ended, until its resumer sees it. */
  private sliced: LuaState | undefined
  /** Off once a slice could not be passed up from a coroutine, until the runner's next slice. */
  private coroutines = true

  /** The script's thread and slice length (0: no slicing); the first slice counts from `startedAt`. */
  begin(L: LuaState, ms: number, startedAt: number): void {
    this.thread = ms > 0 ? L : undefined
    this.ms = ms
    // the first slice counts from the execution's start (its set-up is microseconds): no clock read
    this.end = startedAt + ms
  }

  /** The runner resumes the script: a new slice starts. */
  restart(): void {
    if (this.thread) this.end = performance.now() + this.ms
    this.coroutines = true
  }

  finish(): void {
    this.thread = undefined
    this.sliced = undefined
  }

  /** Whether `L` is the script's thread and the slice ended by `now` (its next instruction should check). */
  overOn(L: LuaState, now: number): boolean {
    return L === this.thread && now >= this.end
  }

  /** Whether the slice ended by `now` (slicing on). */
  over(now: number): boolean {
    return this.thread !== undefined && now >= this.end
  }

  /** The count hook at `now` on `L`: true when `L` should yield now (the yield is noted for its resumer). */
  hookYields(L: LuaState, now: number, yieldable: boolean): boolean {
    if (now < this.end || this.thread === undefined || !yieldable) return false
    if (L === this.thread) this.runnerYield = true
    else if (this.coroutines) this.sliced = L
    else return false
    keepOnResume(L)
    return true
  }

  /** True (once) when the last LUA_YIELD the runner got ended a time slice. */
  takeRunnerYield(): boolean {
    const y = this.runnerYield
    this.runnerYield = false
    return y
  }

  /** Whether `co`'s last yield ended a slice (the hook's, not the script's); answers once. */
  slicedYield(co: LuaState): boolean {
    if (this.sliced !== co) return false
    this.sliced = undefined
    return true
  }

  /** A resumer `L` saw its coroutine yield for a slice: true when `L` yields it on up. */
  passSlice(L: LuaState, yieldable: boolean): boolean {
    // a resumer that cannot yield resumes at once; coroutines then run on until the next slice
    if (!yieldable || this.thread === undefined) {
      this.coroutines = false
      return false
    }
    if (L === this.thread) this.runnerYield = true
    else this.sliced = L
    keepOnResume(L)
    return true
  }
}

/** A slice's yield is invisible: the resume that ends it gives `L`'s frames their C-call counts back (fengari-ccalls-patches.ts). */
function keepOnResume(L: LuaState): void {
  if (L.keepCcalls === 0) L.keepCcalls = 1
}
