/** Options of `luaEngine(options)`. */
export interface LuaEngineOptions {
  /**
   * Lua source run once in every new state, with the base environment as `_ENV`, before
   * the base is frozen: helpers it defines are visible (read-only) to every script.
   * Trusted host code: it runs without limits.
   */
  readonly init?: string
  /**
   * Inline time slicing: a running script yields to the Node event loop after about this
   * many milliseconds of VM time, so timers, I/O, other executions and AbortSignals run
   * between slices (default 10). `false` or 0 runs each resume to completion (the event
   * loop then waits up to the time limit). Only the script's own thread is sliced: a busy
   * loop inside a script-made coroutine runs until it yields, returns or hits a limit.
   */
  readonly timeSliceMs?: number | false
}

/** Default slice of inline Lua execution between yields to the event loop. */
export const DEFAULT_TIME_SLICE_MS = 10
