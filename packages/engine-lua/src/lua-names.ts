import { slot } from './converter.js'
import type { Fengari, LuaState, TValue } from './fengari-api.js'

/**
 * `t[name] = v` (raw), where `t` is at `idx` and `v` on top of the stack (popped), for the
 * fixed names the engine gives the tables of a new state (`print`, `math.pow`, `_LOADED`…).
 * `lua_setfield` converts the JS string to bytes and makes a new Lua string on every call,
 * about fifty times per state; here each name's Lua string is made once per fengari
 * instance and shared. A Lua string is immutable (no operation changes its bytes, and its
 * lazily set hash is a function of them), so a write through one state can change nothing
 * another sees: each state's table gets its own entry. Raw: only for tables without a
 * `__newindex` (the sandbox's own, while it is built); a frozen table still refuses.
 */
export function setName(f: Fengari, L: LuaState, idx: number, name: string): void {
  const { lua } = f
  lua.lua_checkstack(L, 2)
  const key = nameKey(f, L, name)
  // key below the value, as lua_rawset expects
  L.stack[L.top] = L.stack[L.top - 1] as TValue
  L.stack[L.top - 1] = new f.internal.TValue(key.type, key.value)
  L.top++
  lua.lua_rawset(L, idx < 0 && idx > lua.LUA_REGISTRYINDEX ? idx - 1 : idx)
}

// --- internal ---

const NAMES = new WeakMap<Fengari, Map<string, TValue>>()

/** The shared Lua string for `name` (made on `L`'s stack the first time). */
function nameKey(f: Fengari, L: LuaState, name: string): TValue {
  let names = NAMES.get(f)
  if (!names) NAMES.set(f, (names = new Map()))
  let key = names.get(name)
  if (!key) {
    f.lua.lua_pushstring(L, name)
    const s = slot(L, -1)
    key = Object.freeze({ type: s.type, value: s.value })
    f.lua.lua_pop(L, 1)
    names.set(name, key)
  }
  return key
}
