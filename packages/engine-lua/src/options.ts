/** Options of `luaEngine(options)`. */
export interface LuaEngineOptions {
  /**
   * Lua source run once in every new state, with the base environment as `_ENV`, before
   * the base is frozen: helpers it defines are visible (read-only) to every script.
   * Tables it makes are read-only and its functions' upvalues are put back after every
   * execution (init-state.ts). Trusted host code: it runs without limits.
   */
  readonly init?: string
  /**
   * The number model. `'lua53'` (default): Lua 5.3 integers and floats, integers exact over
   * ±(2^53 − 1), an integer result beyond that raises `integer overflow`. `'lua51'`: Lua 5.1,
   * every number a double printed as `%.14g`, plus the 5.1 names `unpack`, `loadstring`
   * (where the policy allows dynamic code), `math.pow`, `math.mod`, `table.getn`,
   * `string.gfind`. Fixed per engine: a policy cannot change it.
   */
  readonly numbers?: 'lua53' | 'lua51'
  /**
   * Inline time slicing: a running script yields to the Node event loop after about this
   * many milliseconds of VM time, so timers, I/O, other executions and AbortSignals run
   * between slices (default 10). `false` or 0 runs each resume to completion (the event
   * loop then waits up to the time limit). The script's thread and its coroutines are sliced; a busy
   * loop inside a frame fengari cannot suspend (a `table.sort` comparator, a `gsub` callback,
   * `__tostring`) runs until it returns or hits a limit (time-slices.ts).
   */
  readonly timeSliceMs?: number | false
  /**
   * What a host `null` is in Lua. `'nil'` (default): nil — an array's nulls are holes, and a
   * table made from a host array comes back as an array of (at least) its length, nulls kept.
   * `'sentinel'`: the read-only global `null` (a light userdata, as `cjson.null`), inside
   * arrays and objects too, so `#t` and `ipairs` see every element; `null` converts back to
   * host `null`. Fixed per engine.
   */
  readonly nullValue?: 'nil' | 'sentinel'
  /**
   * A call past `stackDepth`. `'limit'` (default): the execution ends with
   * `LimitExceededError('stack')`, which no `pcall` catches. `'error'`: a Lua error
   * `stack overflow` the script may catch, as C Lua raises when its call stack is full (what
   * scripts written for a Lua host, Redis's among them, expect); calls made while handling it
   * past a further 10 levels still end the execution. Fixed per engine.
   */
  readonly stackOverflow?: 'limit' | 'error'
  /**
   * The message of the error a write to a read-only table (a frozen library or the base)
   * raises; default `attempt to modify a read-only table`. A host emulating another Lua host
   * sets that host's (Redis: `Attempt to modify a readonly table`). Fixed per engine.
   */
  readonly readOnlyError?: string
}

/** Default slice of inline Lua execution between yields to the event loop. */
export const DEFAULT_TIME_SLICE_MS = 10
