import { type BuiltinHost, makeStrictNewIndex } from './builtins.js'
import { slot } from './converter.js'
import type { LuaState, LuaTable, TValue } from './fengari-api.js'
import { FROZEN } from './guard-runtime.js'

/** fengari's table entry: the table's `strong` map holds them by key hash, linked in insertion order. */
interface Entry {
  key: TValue
  value: TValue
  p: Entry | undefined
  n: Entry | undefined
}

/**
 * Pushes a new per-execution environment: a copy of the base's entries, so that the script's
 * `_G` is the whole global table as in Lua 5.3 (`pairs(_G)` lists `print`, `tostring = nil`
 * removes it), with `meta` (environmentMeta) as its metatable. Only references are copied:
 * library tables stay shared (frozen or watched, see lua-state.ts).
 *
 * The entries are built as fengari's `add` builds them (distinct key and value slots: the VM
 * updates a value in place), keyed by the base's own hashes: through `lua_rawset` the copy
 * cost ~22 µs of a ~65 µs execution, this way ~5 µs. Each entry is charged like any other.
 */
export function pushEnvironment(host: BuiltinHost, L: LuaState, base: LuaTable, meta: LuaTable | null): LuaTable {
  const { lua, internal, guards } = host.f
  lua.lua_createtable(L, 0, 0)
  const env = slot(L, -1).value as LuaTable & { f: Entry | undefined; l: Entry | undefined; flags: number }
  let prev: Entry | undefined
  for (const [hash, e] of base.strong) {
    guards.entry()
    const entry: Entry = {
      key: new internal.TValue(e.key.type, e.key.value),
      value: new internal.TValue(e.value.type, e.value.value),
      p: prev,
      n: undefined,
    }
    if (prev) prev.n = entry
    else env.f = entry
    env.strong.set(hash, entry)
    prev = entry
  }
  env.l = prev
  env.flags = 0 // new keys: the metamethod-absence cache is invalid (the table may become a metatable)
  env.metatable = meta
  return env
}

/**
 * The environments' metatable, if they need one (frozen; null otherwise): the base's own
 * metatable entries (an init script's handlers, such as Redis's error for reads of undefined
 * globals, apply to each execution's globals), and under `globals.protect` a `__newindex`
 * that refuses undeclared globals, with the metatable locked. Without either, `_G` has no
 * metatable, as in Lua 5.3.
 */
export function environmentMeta(host: BuiltinHost, L: LuaState, baseIdx: number, strict: boolean): LuaTable | null {
  const { lua } = host.f
  const hasBaseMeta = lua.lua_getmetatable(L, baseIdx)
  if (!hasBaseMeta && !strict) return null
  lua.lua_createtable(L, 0, 4)
  if (hasBaseMeta) {
    lua.lua_pushnil(L)
    while (lua.lua_next(L, -3) !== 0) {
      lua.lua_pushvalue(L, -2)
      lua.lua_insert(L, -2)
      lua.lua_rawset(L, -4)
    }
  }
  if (strict) {
    lua.lua_pushboolean(L, false)
    lua.lua_setfield(L, -2, '__metatable')
    lua.lua_pushvalue(L, baseIdx)
    lua.lua_pushcclosure(L, makeStrictNewIndex(host), 1)
    lua.lua_setfield(L, -2, '__newindex')
  }
  const meta = slot(L, -1).value as LuaTable
  meta.polyhost = FROZEN
  lua.lua_pop(L, hasBaseMeta ? 2 : 1)
  return meta
}
