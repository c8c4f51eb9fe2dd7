// Over 250 lines: one class; the count hook, heavy work and every deadline check share its period bookkeeping.
import { type Execution, hostErrorText, sanitizeScriptMessage } from '@polyhost/core/engine'
import type { Fengari, GlobalState, LuaState } from './fengari-api.js'
import type { GuardSink } from './guard-runtime.js'
import { errorFormat } from './lua-strings.js'
import { TimeSlices } from './time-slices.js'
import { reachableBytes } from './memory-walk.js'
import { firstTouchMs } from '@polyhost/core/engine'

/** How often (in VM instructions) the count hook runs when nothing is close to a limit. */
export const HOOK_PERIOD = 1000
const STEP_CHUNK = 1024 // builtin steps between checks of the deadline
/**
 * Instructions left from which every check counts both kinds of work and each kind gets half
 * of what is left, so that their sum ends at most one past the limit (two budgets of up to
 * 1000 each ran 100-830 instructions past it where builtin steps and VM instructions interleave).
 */
const NEAR_LIMIT = 4 * HOOK_PERIOD
const DEPTH_ERROR_ROOM = 10 // calls past the depth limit raising a catchable "stack overflow" before the limit ends the run

/** Where a meter measures memory: the state's roots and what is not charged to scripts. */
export interface MeterTarget {
  readonly g: GlobalState
  /** Bytes reachable right after setup; executions are charged what they add. */
  readonly baseline: number
  /** Host-compiled prototypes (shared, not charged). */
  readonly shared: WeakSet<object>
}

/**
 * Enforces one execution's instruction, deadline, memory and depth limits inside fengari
 * (count hook, builtin steps, allocations the guards report). A trip is recorded on the
 * Execution (fatal: the state is discarded) and thrown as that error, which no `pcall`
 * catches (see `raise`); the hook fires on every instruction from then on ("sticky").
 */
export class Meter implements GuardSink {
  /** Instructions plus builtin steps so far. */
  used = 0
  readOnlyError: string | undefined // LuaEngineOptions.readOnlyError of the engine running this execution
  private readonly maxInstructions: number
  private readonly maxMemory: number
  private readonly maxDepth: number
  private live: number
  private pending = 0
  private peak = 0
  private readonly hookFn: (L: LuaState) => void
  private readonly hookYield: number
  /** Inline time slicing (the runner asks it whether a yield ended a slice). */
  readonly slices = new TimeSlices()
  /** The clock as last read by the hook's deadline check (one read serves both checks). */
  private now = 0
  private checkedAt = 0 // `used` at the last check: every thread shares the hook's period
  private current: LuaState | undefined // the thread running script code now
  private deadlineDue = false // heavy() brought the next hook forward for the deadline

  constructor(
    private readonly f: Fengari,
    private readonly execution: Execution,
    private readonly target: MeterTarget,
    private readonly depthError = false, // LuaEngineOptions.stackOverflow === 'error'
  ) {
    const l = execution.limits
    this.maxInstructions = l.instructions === false ? Number.POSITIVE_INFINITY : l.instructions
    this.maxMemory = l.memoryBytes === false ? Number.POSITIVE_INFINITY : l.memoryBytes
    this.maxDepth = l.stackDepth === false ? Number.POSITIVE_INFINITY : l.stackDepth
    this.live = target.baseline
    this.hookFn = (L) => this.onHook(L)
    this.hookYield = f.internal.CIST_HOOKYIELD
  }

  /** The count hook on the script's thread (coroutines inherit it); `sliceMs` > 0: yields after each slice. */
  hookThread(L: LuaState, sliceMs = 0): void {
    this.slices.begin(L, sliceMs, this.execution.startedAt)
    this.current = L
    this.f.lua.lua_sethook(L, this.hookFn, this.f.lua.LUA_MASKCOUNT, this.nextPeriod())
  }

  /** Attaches to the guard runtime while script code runs (call around each resume). */
  attach(): void {
    this.slices.restart()
    const g = this.f.guards
    g.attach(this, this.maxDepth)
    g.pending = this.pending
    g.slack = this.execution.fatal ? -1 : this.maxMemory - (this.live - this.target.baseline)
    g.setStepChunk(this.execution.fatal ? 1 : Math.max(1, Math.min(STEP_CHUNK, this.budget())))
  }

  /** Detaches (before awaiting, and at the end); keeps the counts. */
  detach(): void {
    const g = this.f.guards
    this.used += g.takeSteps()
    this.pending = g.pending
    this.notePeak()
    g.attach(null)
    this.execution.instructions = this.used
    this.execution.memoryBytes = this.peak
  }

  /**
   * Ends the run: the meter forgets the script's thread, which an old-generation meter would
   * keep alive (its stack, every value returned) through each scavenge until the next full
   * GC (measured: conversion of 1,000 records 2.3× the CPU, half of it in the GC).
   */
  end(): void {
    this.detach()
    this.slices.finish()
    this.current = undefined
  }

  /** Bytes currently accounted to the execution (reachable at the last walk plus allocated since). */
  accountedBytes(): number {
    return Math.max(0, this.live - this.target.baseline + this.f.guards.pending)
  }

  /**
   * Ends a builtin that failed: a fatal error (a limit, a cancellation) makes the hook
   * sticky and raises its message; anything else raises as an ordinary Lua error.
   */
  stop(L: LuaState, error: unknown): never {
    const fatal = this.execution.fatal
    if (fatal) {
      if (L.hookmask) L.hookcount = L.basehookcount = 1
      this.f.guards.slack = -1
      return this.raise(L, fatal.message)
    }
    // host code's text (a handler, a host function, a getter) reaches the script sanitised
    return this.raise(L, error instanceof Error ? hostErrorText(error) : sanitizeScriptMessage(String(error)))
  }

  // --- GuardSink ---

  steps(L: LuaState, n: number): number {
    this.used += n
    // near the limit the thread's instructions since its last hook count too, and its hook
    // period is what is left of its share
    const near = this.near() && L.hookmask !== 0
    if (near) this.settle(L)
    this.check(L)
    this.sliceDue()
    if (near && L.basehookcount > 1) L.hookcount = L.basehookcount = this.nextPeriod()
    return Math.max(1, Math.min(STEP_CHUNK, this.budget()))
  }

  overflow(L: LuaState | null, incoming: number): void {
    const g = this.f.guards
    if (this.execution.fatal) {
      this.stopAt(L)
      return
    }
    this.pending = g.pending
    this.notePeak()
    // a trip during the walk (its deadline checks) ends it: the rest of the heap is of no use
    // then (walking on over every live object held a 1 s run 60-110 ms past its trip)
    const live = reachableBytes(this.target.g, this.target.shared, () => this.walkGoesOn(L))
    if (live === undefined) {
      this.stopAt(L)
      return
    }
    this.live = live
    const used = this.live - this.target.baseline
    g.pending = this.pending = 0
    if (used + incoming > this.maxMemory) {
      this.peak = Math.max(this.peak, used + incoming)
      this.execution.trip('memory', used + incoming)
      this.stopAt(L)
      return
    }
    g.slack = this.maxMemory - used
  }

  tooDeep(L: LuaState): void {
    // as C Lua, a catchable error at the limit (a handler calling on past the room still
    // ends); the error's handler runs in the room, as C Lua grows a full stack for it
    if (this.depthError && L.ci.depth + 1 <= this.maxDepth + DEPTH_ERROR_ROOM) {
      if (this.f.guards.errorHandlers > 0) return
      this.raise(L, 'stack overflow')
    }
    const e = this.execution.trip('stack', L.ci.depth + 1)
    this.raise(L, e.message)
  }

  switchTo(to: LuaState | null, from: LuaState | null): void {
    if (from?.hookmask) this.settle(from)
    if (this.near()) this.takeStepsNear()
    if (to) this.current = to
    if (to !== null && to.ci.callstatus & this.hookYield) {
      // resumed after its hook yielded: fengari would skip the next due hook (the period's
      // count lost) and fetch the interrupted instruction again (counted twice)
      to.ci.callstatus &= ~this.hookYield
      this.used -= 1
    }
    // between script threads the rest of the shared period (coroutines switching every few
    // instructions never reached a check); the host resuming after a slice starts one
    if (to?.hookmask) to.hookcount = to.basehookcount = this.execution.fatal ? 1 : from?.hookmask ? this.periodLeft() : this.nextPeriod()
    // a coroutine's hook saw the slice end: the script's thread (it can yield) checks next
    if (to !== null && this.slices.overOn(to, this.now)) to.hookcount = to.basehookcount = 1
  }

  heavy(_bytes: number): void {
    // the deadline checked at the running thread's next instruction (in the hook): at most
    // one O(length) piece of work runs past it; counts stay exact
    const L = this.current
    if (!L?.hookmask) return
    if (!this.deadlineDue) {
      this.settle(L)
      L.hookcount = L.basehookcount = 1
      this.deadlineDue = true
      return
    }
    // more before that instruction: one builtin doing many (string.format converting a
    // hundred 30 MB numerals ran 83 s of a 1 s limit), checked here, between two of them
    this.raiseIfOver(L, 0)
  }

  touch(L: LuaState, bytes: number): void {
    // one builtin filling one large block has no deadline check until it is done, and the
    // first touch of its new pages is slow here (core's first-touch.ts): an allocation that could not
    // be touched by the deadline is refused with the timeout, at the time it would have ended
    const ex = this.execution
    if (ex.fatal) return
    const ends = performance.now() + firstTouchMs(bytes)
    if (ends <= ex.deadline) return
    const e = ex.trip('timeout', Math.ceil((ends - ex.startedAt) * 10) / 10)
    if (L.hookmask) L.hookcount = L.basehookcount = 1
    this.f.guards.slack = -1
    this.raise(L, e.message)
  }

  raise(L: LuaState, message: string): never {
    const fatal = this.execution.fatal
    // a trip ends the run: its error is thrown as it is, past every pcall, message handler,
    // resume and callback (luaD_rawrunprotected lets it through), once. Raised as a Lua error
    // it was caught: building its text allocates, refused with the same error, raised again
    // from inside itself ~700 levels deep (13-220 ms a trip, the text lost), and then a
    // script's `while true do pcall(f) end` caught it again and again
    if (fatal) {
      this.f.guards.trip = fatal
      throw fatal
    }
    return this.f.internal.luaG_runerror(L, this.f.internal.to_luastring(errorFormat(message)))
  }

  // --- internal ---

  /** Counts what `L` ran since its hook count was last reset. */
  private settle(L: LuaState): void {
    this.used += L.basehookcount - L.hookcount
    L.hookcount = L.basehookcount
  }

  private onHook(L: LuaState): void {
    // luaG_traceexec has just reset hookcount to basehookcount: one full period ran
    this.used += L.basehookcount
    // near the limit the builtin steps since their last check count too, and get a new share
    const near = this.near()
    if (near) this.used += this.f.guards.takeSteps()
    if (this.deadlineDue) {
      // brought forward by heavy(): deadline and signal only, then the rest of the period
      this.deadlineDue = false
      this.now = performance.now()
      if (near || this.execution.overBudget(0, this.now)) this.check(L)
      L.hookcount = L.basehookcount = this.periodLeft()
    } else {
      this.check(L)
      L.hookcount = L.basehookcount = this.nextPeriod()
    }
    if (near) this.takeStepsNear()
    // the slice is over: the thread yields (TimeSlices notes to whom the yield is passed)
    if (this.slices.hookYields(L, this.now, this.f.lua.lua_isyieldable(L))) {
      // fengari leaves a yielding hook's count at 1: nothing of the next period is used yet
      L.basehookcount = 1
      // inside a hook lua_yieldk only marks the thread and returns (typed `never` for C functions)
      ;(this.f.lua.lua_yieldk as (L: LuaState, n: number, ctx: null, k: null) => number)(L, 0, null, null)
    }
  }

  /**
   * Builtin steps ran the slice out: the running thread's next instruction runs the hook,
   * which yields (a loop of long builtin calls, a few instructions each, reached the hook
   * only after its whole time limit).
   */
  private sliceDue(): void {
    const L = this.current
    // near the instruction limit it trips first (and settling here would count past it)
    if (this.maxInstructions - this.used <= HOOK_PERIOD) return
    if (L?.hookmask && L.basehookcount > 1 && this.slices.over(this.now)) {
      this.settle(L)
      L.hookcount = L.basehookcount = 1
    }
  }

  private nextPeriod(): number {
    return Math.max(1, Math.min(HOOK_PERIOD, this.budget()))
  }

  private periodLeft(): number {
    return Math.max(1, Math.min(HOOK_PERIOD - (this.used - this.checkedAt), this.budget()))
  }

  /** Near the limit: the builtin steps since their last check counted, and a new share for them. */
  private takeStepsNear(): void {
    const g = this.f.guards
    this.used += g.takeSteps()
    g.setStepChunk(Math.max(1, Math.min(STEP_CHUNK, this.budget())))
  }

  private near(): boolean {
    return this.maxInstructions - this.used <= NEAR_LIMIT
  }

  /** What one kind of work (instructions, builtin steps) may do before the next check: near the limit, half of what is left. */
  private budget(): number {
    const left = this.maxInstructions - this.used
    return left <= NEAR_LIMIT ? Math.ceil(left / 2) : left
  }

  private check(L: LuaState): void {
    this.checkedAt = this.used
    this.raiseIfOver(L, this.used)
  }

  /** Raises the execution's limit error if `used` instructions or the time are over budget. */
  private raiseIfOver(L: LuaState, used: number): void {
    this.now = performance.now()
    const fatal = this.execution.overBudget(used, this.now)
    if (fatal) {
      L.hookcount = L.basehookcount = 1
      this.f.guards.slack = -1
      this.raise(L, fatal.message)
    }
  }

  /** A memory walk's deadline check: false once the execution is over (the walk stops). */
  private walkGoesOn(L: LuaState | null): boolean {
    if (!this.execution.fatal && performance.now() > this.execution.deadline) this.execution.tripTimeout()
    if (!this.execution.fatal) return true
    this.stopAt(L)
    return false
  }

  /**
   * The execution is over (a trip): every allocation is refused, and the trip is raised here,
   * or, where an object is being created (no thread given: its creation is not raised from),
   * at the running thread's next instruction; the script ran on to its next hook, up to a
   * thousand instructions past the trip (or to its end).
   */
  private stopAt(L: LuaState | null): void {
    this.f.guards.slack = -1
    const fatal = this.execution.fatal as Error
    if (L) this.raise(L, fatal.message)
    const running = this.current
    if (running?.hookmask && running.basehookcount > 1) {
      this.settle(running)
      running.hookcount = running.basehookcount = 1
    }
  }

  private notePeak(): void {
    const now = this.live - this.target.baseline + this.pending
    if (now > this.peak) this.peak = now
  }
}
