// Over 250 lines: the one runtime object patched fengari code calls (`__polyhost`), every guard's entry point.
import type { LuaState, LuaTable } from './fengari-types.js'
import { type NumeralValue, numeralMode, repeatInto, str2number } from './numerals.js'
import { FIRST_TOUCH_FROM } from '@polyhost/core/engine'
import type { TimeSlices } from './time-slices.js'

/**
 * Approximate V8 sizes of fengari objects; the memory walk uses the same figures. Calibrated
 * against the V8 heap (`heapUsed` after GC with the data alive): a table with its Map is
 * ~400 bytes, an entry (key and value TValues, Map slot) ~180, a closure with one upvalue ~150.
 */
export const SIZES = {
  string: 80,
  table: 400,
  entry: 180,
  thread: 2_000,
  stackSlot: 40,
  closure: 110,
  upvalue: 40,
  /** A gmatch iterator's state (GMatchState, its MatchState and capture list), a light userdata. */
  gmatch: 480,
  /** A compiled instruction: fengari's decoded object and its code-array slot (line info apart, 8 more). */
  instruction: 104,
} as const

/** What a table's guard slot holds: frozen tables refuse writes, watched ones note them. */
export interface TableGuard {
  readonly frozen: boolean
  dirty: boolean
}

/** The guard of every frozen table: writes raise "attempt to modify a read-only table". */
export const FROZEN: TableGuard = Object.freeze({ frozen: true, dirty: false }) as TableGuard

/**
 * The execution the guards charge: set while a state runs script code, cleared otherwise
 * (host-side compiles and setup are not charged).
 */
export interface GuardSink {
  /** Builtin work: `n` steps done; returns how many more may run before the next call. Raises on a trip. */
  steps(L: LuaState, n: number): number
  /** Accounted bytes went over the slack: re-measure; records a trip if really over. */
  overflow(L: LuaState | null, incoming: number): void
  /** Call depth exceeded `maxDepth`: records the trip and raises, unless an error handler may use the room past it. */
  tooDeep(L: LuaState): void
  /** Control moves from `from` to `to` (coroutine resume/return): settle partial hook counts. */
  switchTo(to: LuaState | null, from: LuaState | null): void
  /** Time slices of the execution (see time-slices.ts), when it is sliced. */
  readonly slices?: Pick<TimeSlices, 'slicedYield' | 'passSlice'> | undefined
  /** A builtin just handled `bytes` of one string (created, compared, parsed): O(bytes) work; check soon. */
  heavy(bytes: number): void
  /** Before a large allocation (`TOUCHED_FROM` bytes or more): raises if its first touch cannot end by the deadline. */
  touch?(L: LuaState, bytes: number): void
  /** Raises a Lua error in `L` (used for refused writes). */
  raise(L: LuaState, message: string): never
  /** The message of a refused write to a read-only table, when the engine has its own. */
  readonly readOnlyError?: string | undefined
}

const IDLE_STEPS = 1 << 30
const NO_TRIP = Symbol('no trip') // never thrown
/** Allocations from this size up are asked about their first-touch time (core's first-touch.ts). */
export const TOUCHED_FROM = FIRST_TOUCH_FROM
/**
 * Strings from this size up are reported as heavy work: a loop of a few instructions can
 * run hundreds of O(length) builtins between two count hooks (a 20 MB `tonumber`,
 * `s == u`, `s:reverse()`, `..` ran a 100 ms limit for 5–90 s).
 */
const HEAVY_BYTES = 4096
const SHORT_COMPARE = 64 // bytes compared in a loop (sameBytes)

/**
 * The object patched fengari code calls as `__polyhost` (see fengari-guards.ts). Hot paths
 * are a decrement and a compare; anything slower goes to the attached GuardSink. Only
 * one script runs at a time on the JS thread, so one runtime with one attached sink suffices.
 */
export class GuardRuntime {
  /** The object sizes patched code charges (`__polyhost.sizes.gmatch`). */
  readonly sizes = SIZES
  /** Maximum CallInfo depth; Infinity when no execution is attached. */
  maxDepth = Number.POSITIVE_INFINITY
  /** Error handlers (xpcall's, Redis's) running now: C Lua gives one room past a stack overflow. */
  errorHandlers = 0
  /** Bytes accounted since the last measurement. */
  pending = 0
  /** Bytes that may be accounted before the sink re-measures. */
  slack = Number.POSITIVE_INFINITY
  /** The fatal error a tripped execution throws: luaD_rawrunprotected lets it through (no pcall catches it). */
  trip: unknown = NO_TRIP
  private stepsLeft = IDLE_STEPS
  private stepsChunk = IDLE_STEPS
  private sink: GuardSink | null = null

  /** Attaches an execution's sink (or detaches with null); returns the previous one. */
  attach(sink: GuardSink | null, maxDepth = Number.POSITIVE_INFINITY): GuardSink | null {
    const prev = this.sink
    this.sink = sink
    this.maxDepth = sink ? maxDepth : Number.POSITIVE_INFINITY
    this.pending = 0
    this.slack = Number.POSITIVE_INFINITY
    this.trip = NO_TRIP
    this.stepsLeft = this.stepsChunk = IDLE_STEPS
    return prev
  }

  /**
   * Runs `fn` with `sink` attached (asked every `stepChunk` steps), then puts back whatever
   * was attached before, counts included (a module compiled in the middle of an execution
   * is not charged to it).
   */
  isolated<T>(sink: GuardSink | null, fn: () => T, stepChunk = IDLE_STEPS): T {
    const { sink: prevSink, maxDepth, pending, slack, trip, stepsLeft, stepsChunk } = this
    this.attach(sink)
    this.setStepChunk(stepChunk)
    try {
      return fn()
    } finally {
      this.sink = prevSink
      this.maxDepth = maxDepth
      this.pending = pending
      this.slack = slack
      this.trip = trip
      this.stepsLeft = stepsLeft
      this.stepsChunk = stepsChunk
    }
  }

  /** Steps done since the last refill (for a final flush). */
  takeSteps(): number {
    const done = this.stepsChunk - this.stepsLeft
    this.stepsChunk = this.stepsLeft
    return done
  }

  /** Sets the step budget until the sink is asked again. */
  setStepChunk(n: number): void {
    this.stepsLeft = this.stepsChunk = n
  }

  // --- called by patched fengari code ---

  hash(str: Uint8Array): string {
    return '|' + latin1(str)
  }

  // The object being created is not reachable yet, so a re-measure cannot see it: it is
  // passed as `incoming` and counted after (a 10 MB string result used to go uncounted).

  string(length: number): void {
    this.created(SIZES.string + length)
    this.scanned(length)
  }

  /** Byte equality (`type(v) == 'string'` compares bytes): short strings in a loop (cheaper than two Buffer views), long ones natively, charged as heavy work. */
  sameBytes(a: Uint8Array, b: Uint8Array): boolean {
    const n = a.length
    if (n !== b.length) return false
    if (n <= SHORT_COMPARE) {
      for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false
      return true
    }
    this.scanned(n)
    return Buffer.from(a.buffer, a.byteOffset, n).equals(Buffer.from(b.buffer, b.byteOffset, n))
  }

  /**
   * `s < u`, `s <= u` as C Lua's l_strcmp in the C locale: unsigned bytes, a prefix before
   * the longer string. In place, stopping at the first difference: fengari compared the two
   * strings' whole table keys, building a 50 MB text for a 50 MB string (seconds here).
   */
  compareBytes(a: Uint8Array, b: Uint8Array): number {
    const n = Math.min(a.length, b.length)
    if (n <= SHORT_COMPARE) {
      for (let i = 0; i < n; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number)
      return a.length - b.length
    }
    this.scanned(n)
    return Buffer.from(a.buffer, a.byteOffset, a.length).compare(Buffer.from(b.buffer, b.byteOffset, b.length))
  }

  table(): void {
    this.created(SIZES.table)
  }

  entry(): void {
    this.created(SIZES.entry)
  }

  thread(): void {
    this.created(SIZES.thread)
  }

  closure(upvalues: number): void {
    this.created(SIZES.closure + upvalues * SIZES.upvalue)
  }

  /** A compile emitted an instruction (`load` inside a script: its prototypes are the execution's). */
  instruction(L: LuaState): void {
    this.alloc(L, SIZES.instruction + 8)
  }

  /** Before allocating `bytes`: raises (after recording the trip) if they do not fit. */
  alloc(L: LuaState, bytes: number): void {
    if (this.pending + bytes > this.slack) this.sink?.overflow(L, bytes)
    if (bytes >= TOUCHED_FROM) this.sink?.touch?.(L, bytes)
    this.pending += bytes
  }

  /**
   * Before a string's bytes are copied into a new array (luaS_new: every string a builtin's
   * buffer or the API pushes): a large copy's first touch is checked against the deadline,
   * as a large allocation's is. Its memory is charged when the string is made.
   */
  copying(L: LuaState, bytes: number): void {
    if (bytes >= TOUCHED_FROM) this.sink?.touch?.(L, bytes)
  }

  /**
   * Host-side bytes a builtin holds only while it runs (the text of a print line): checked
   * against the budget as an allocation is, but not added to the count.
   */
  transient(L: LuaState, bytes: number): void {
    if (this.pending + bytes > this.slack) this.sink?.overflow(L, bytes)
  }

  stack(L: LuaState, slots: number): void {
    this.alloc(L, slots * SIZES.stackSlot)
  }

  write(L: LuaState, t: LuaTable): void {
    const g = t.polyhost as TableGuard
    if (g.frozen) {
      const sink = this.sink ?? fallbackSink
      sink.raise(L, sink.readOnlyError ?? 'attempt to modify a read-only table')
    }
    g.dirty = true
  }

  step(L: LuaState): void {
    if (--this.stepsLeft <= 0) this.refill(L)
  }

  steps(L: LuaState, n: number): void {
    if ((this.stepsLeft -= n) <= 0) this.refill(L)
  }

  /** `n` steps counted as `n` calls of `step` count them: a limit trips exactly where it is passed. */
  eachStep(L: LuaState, n: number): void {
    while (n >= this.stepsLeft) {
      n -= this.stepsLeft
      this.stepsLeft = 0
      this.refill(L)
    }
    this.stepsLeft -= n
  }

  tooDeep(L: LuaState): void {
    this.sink?.tooDeep(L)
  }

  switchTo(to: LuaState | null, from: LuaState | null): void {
    this.sink?.switchTo(to, from)
  }

  slicedYield(co: LuaState): boolean {
    return this.sink?.slices?.slicedYield(co) ?? false
  }

  passSlice(L: LuaState, yieldable: boolean): boolean {
    return this.sink?.slices?.passSlice(L, yieldable) ?? false
  }

  str2number(s: Uint8Array): NumeralValue | null {
    return str2number(s)
  }

  numeralMode(s: Uint8Array): number {
    this.scanned(s.length)
    return numeralMode(s)
  }

  repeat(p: Uint8Array, s: Uint8Array, sep: Uint8Array, total: number): void {
    repeatInto(p, s, sep, total)
  }

  /** O(bytes) work a builtin or instruction did natively: long, the deadline is checked at the next instruction. */
  scanned(bytes: number): void {
    if (bytes >= HEAVY_BYTES) this.sink?.heavy(bytes)
  }

  /** Plain `string.find` (and patterns without specials): native, charged as heavy work when long. */
  indexOf(arr: Uint8Array, sub: Uint8Array, from: number): number {
    if (sub.length === 0) return from >>> 0
    // up to O(length × needle) on repetitive text (30 MB: 0.18 s a call): the deadline is
    // checked at the next instruction, as after any O(length) builtin
    if (arr.length - from >= HEAVY_BYTES || sub.length >= HEAVY_BYTES) this.sink?.heavy(arr.length + sub.length)
    return Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength).indexOf(sub, from >>> 0)
  }

  /**
   * Whether the first `l` bytes of pattern `p` have none of `^$*+?.([%-` (string.find's
   * plain-search test): a table lookup a byte, charged as heavy work when long. fengari
   * searched the list of specials once a byte, 125 ns each, uncharged (a 2 MB pattern with
   * a '.' at its end: a loop of finds ran 79 s of a 1 s limit).
   */
  noSpecials(p: Uint8Array, l: number): boolean {
    this.scanned(l)
    for (let i = 0; i < l; i++) if (PATTERN_SPECIALS[p[i] as number] === 1) return false
    return true
  }

  /** The first position from `i` on that holds no UTF-8 continuation byte (or the end): a step per byte skipped. */
  skipContinuation(L: LuaState, s: Uint8Array, i: number): number {
    const n = s.length
    let j = i
    while (j < n && ((s[j] as number) & 0xc0) === 0x80) j++
    this.eachStep(L, j - i)
    return j
  }

  // --- internal ---

  private created(bytes: number): void {
    if (this.pending + bytes > this.slack) this.sink?.overflow(null, bytes)
    this.pending += bytes
  }

  private refill(L: LuaState): void {
    const done = this.stepsChunk - this.stepsLeft
    if (!this.sink) {
      this.stepsLeft = this.stepsChunk = IDLE_STEPS
      return
    }
    this.stepsLeft = this.stepsChunk = 1 // a raise below must not leave a stale budget
    const next = this.sink.steps(L, done)
    this.stepsLeft = this.stepsChunk = next
  }
}

/** Bytes as a JS string, one char per byte: injective, and ordered like the bytes. */
export function latin1(str: Uint8Array): string {
  const n = str.length
  if (n < 24) {
    let s = ''
    for (let i = 0; i < n; i++) s += String.fromCharCode(str[i] as number)
    return s
  }
  return Buffer.from(str.buffer, str.byteOffset, n).toString('latin1')
}

// --- internal ---

/** 1 at the bytes Lua patterns treat as special (lstrlib's SPECIALS). */
const PATTERN_SPECIALS = new Uint8Array(256)
for (const c of '^$*+?.([%-') PATTERN_SPECIALS[c.charCodeAt(0)] = 1

let raiseError: ((L: LuaState, message: string) => never) | undefined

/** Lets the runtime raise refused writes even while no execution is attached. */
export function setFallbackRaise(fn: (L: LuaState, message: string) => never): void {
  raiseError = fn
}

const fallbackSink: Pick<GuardSink, 'raise' | 'readOnlyError'> = {
  raise(L: LuaState, message: string): never {
    if (!raiseError) throw new Error(message)
    return raiseError(L, message)
  },
}
