import type { Fengari, LuaState, LuaTable } from './fengari-api.js'
import { T_TABLE } from './value-tags.js'

/** The registry field lauxlib searches for function names (LUA_LOADED_TABLE). */
export const LOADED_REGISTRY_KEY = '_LOADED'

/** Base globals that `package.loaded` holds under their own names, as in Lua 5.3. */
const LOADED_LIBRARIES = ['package', 'coroutine', 'table', 'string', 'math', 'utf8', 'bit32', 'os', 'io', 'debug']

/**
 * One execution's `package.loaded` and `package.preload`, made on first use and dropped when
 * the execution ends (`clear`): modules one execution required are never another's.
 */
export class PackageTables {
  private loaded: LuaTable | undefined
  private preload: LuaTable | undefined

  constructor(
    private readonly f: Fengari,
    private readonly base: LuaTable,
  ) {}

  /**
   * Pushes `package.loaded`: the standard libraries, as Lua 5.3 has them (`require 'string'`
   * is the string table, `_G` is `env`, the execution's `_ENV`), plus the module instances
   * `require` makes.
   */
  pushLoaded(L: LuaState, env: LuaTable | undefined): void {
    if (this.loaded) {
      push(this.f, L, this.loaded)
      return
    }
    const { lua } = this.f
    lua.lua_createtable(L, 0, LOADED_LIBRARIES.length + 4)
    this.loaded = (L.stack[L.top - 1] as { value: unknown }).value as LuaTable
    push(this.f, L, this.base)
    for (const name of LOADED_LIBRARIES) {
      if (lua.lua_getfield(L, -1, name) === lua.LUA_TNIL) lua.lua_pop(L, 1)
      else lua.lua_setfield(L, -3, name)
    }
    lua.lua_pop(L, 1)
    push(this.f, L, env)
    lua.lua_setfield(L, -2, '_G')
  }

  /** Pushes `package.preload`. */
  pushPreload(L: LuaState): void {
    if (this.preload) {
      push(this.f, L, this.preload)
      return
    }
    this.f.lua.lua_createtable(L, 0, 0)
    this.preload = (L.stack[L.top - 1] as { value: unknown }).value as LuaTable
  }

  /** The execution ended (or a new one starts). */
  clear(): void {
    this.loaded = undefined
    this.preload = undefined
  }
}

/** Pushes a table (or nil) without a registry round trip. */
export function push(f: Fengari, L: LuaState, t: LuaTable | undefined): void {
  if (!t) {
    f.lua.lua_pushnil(L)
    return
  }
  f.lua.lua_checkstack(L, 1)
  L.stack[L.top++] = new f.internal.TValue(T_TABLE, t)
}
