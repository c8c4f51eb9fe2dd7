import type { Fengari, LuaState, TValue } from './fengari-api.js'

/** A global's name as a Lua string key: the interned string and its table hash. */
export interface NameKey {
  readonly type: number
  readonly value: unknown
  readonly hash: unknown
}

/** Names longer than this are not kept (they come from the host's globals, but need no bound to be safe). */
const MAX_KEPT_NAME = 64
const MAX_KEPT = 1024

/**
 * The Lua strings of the global names the host writes on every execution (`context`, the
 * request's globals). Making the string and its hash anew on each write showed up in
 * profiles; a kept key is pushed as a new slot over the same immutable string.
 */
export class GlobalNames {
  private readonly keys = new Map<string, NameKey>()

  constructor(private readonly f: Fengari) {}

  /** The key of `name` (kept when short and while fewer than MAX_KEPT are kept). */
  key(L: LuaState, name: string): NameKey {
    const kept = this.keys.get(name)
    if (kept) return kept
    const { lua, internal, guards } = this.f
    const bytes = internal.to_luastring(name)
    lua.lua_pushstring(L, bytes)
    const tv = L.stack[L.top - 1] as TValue
    const key: NameKey = { type: tv.type, value: tv.value, hash: guards.hash(bytes) }
    lua.lua_pop(L, 1)
    if (bytes.length <= MAX_KEPT_NAME && this.keys.size < MAX_KEPT) this.keys.set(name, key)
    return key
  }

  /** Pushes `name` as a Lua string. */
  push(L: LuaState, name: string): void {
    const key = this.key(L, name)
    this.f.lua.lua_checkstack(L, 1)
    L.stack[L.top++] = new this.f.internal.TValue(key.type, key.value)
  }
}
