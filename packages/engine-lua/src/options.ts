/** Options of `luaEngine(options)`. */
export interface LuaEngineOptions {
  /**
   * Lua source run once in every new state, with the base environment as `_ENV`, before
   * the base is frozen: helpers it defines are visible (read-only) to every script.
   * Trusted host code: it runs without limits.
   */
  readonly init?: string
}
