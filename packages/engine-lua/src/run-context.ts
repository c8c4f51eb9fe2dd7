import type { Execution } from '@polyhost/core/engine'
import type { LuaConverter } from './converter.js'
import type { LuaState } from './fengari-api.js'
import type { Meter } from './meter.js'

/** The outcome of an awaited async bridge call, handed to the bridge's continuation. */
export type AsyncOutcome = { ok: true; value: unknown } | { ok: false; error: unknown }

/**
 * What the engine-provided Lua functions (print, load, require, bridges...) need to know
 * about the execution currently running on their state. Set for the duration of one
 * execution; the functions read it through `LuaSandbox.run`.
 */
export interface RunContext {
  readonly execution: Execution
  readonly meter: Meter
  readonly converter: LuaConverter
  /** The thread running the script; async bridges may only yield from it. */
  readonly thread: LuaState
  /** Per-execution random source (seeded when the policy asks for determinism). */
  random(): number
  /** Reseeds `random` (math.randomseed). */
  seed(n: number): void
  /**
   * `collectgarbage`'s collector settings as this execution left them (stop/restart,
   * setpause, setstepmul): fresh for each execution, as a new C Lua state has them.
   */
  readonly gc: { running: boolean; pause: number; stepmul: number }
  /** Epoch milliseconds "now" for os.time/os.date (frozen when the policy says so). */
  now(): number
  /** An async bridge call waiting for the host; the runner awaits it and resumes. */
  pending: Promise<unknown> | undefined
  /** Result of the last awaited call, read by the bridge continuation. */
  outcome: AsyncOutcome | undefined
  /** A JS exception escaped fengari internals: the state must be discarded. */
  nativeError: unknown
}

/** What a builtin that needs an execution (logs, random, time, memory) raises in `init`. */
export const OUTSIDE_EXECUTION = 'only available while a script runs, not in init'
