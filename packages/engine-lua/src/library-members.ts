import type { SecurityManager } from '@polyhost/core/engine'
import type { Fengari, LuaState, TValue } from './fengari-api.js'
import { slot } from './converter.js'
import { luaText } from './lua-strings.js'
import { T_BOOLEAN, T_LCF, T_NUMFLT, T_NUMINT, T_STRING_LONG, T_STRING_SHORT } from './value-tags.js'

/** Values that nothing can change in place (a light C function is a JS function without upvalues): a library member holding one can be shared. */
const IMMUTABLE = new Set([T_LCF, T_BOOLEAN, T_NUMFLT, T_NUMINT, T_STRING_SHORT, T_STRING_LONG])

/** One entry of a library table as `luaopen_*` makes it: key (a Lua string) and value. */
export interface LibraryMember {
  /** The member's name, decoded (for policy checks). */
  readonly name: string
  readonly key: TValue
  readonly value: TValue
}

/** What `luaopen_*` a library comes from (the base library's table is the globals). */
export type Opener =
  | 'luaopen_base'
  | 'luaopen_string'
  | 'luaopen_table'
  | 'luaopen_math'
  | 'luaopen_utf8'
  | 'luaopen_coroutine'
  | 'luaopen_os'

/**
 * The members of the table `opener` makes, in the order `lua_next` visits it, read once per
 * fengari instance from a scratch state. Every new state used to run the opener (a table of
 * ~50 entries, each name converted to a new Lua string) only to copy part of it into its own
 * library table; it now copies from this list. Only immutable members are listed — light C
 * functions (no upvalues), numbers, booleans and strings, whose TString no operation changes
 * — so sharing them shares nothing a script can write; a member of any other kind (a
 * closure, a table) throws unless `wanted` leaves it out, so a fengari that opened a library
 * differently fails loudly here instead of sharing mutable state. `wanted` (the members
 * ever used) must be the same on every call for one opener: the list is kept per opener.
 */
export function libraryMembers(f: Fengari, opener: Opener, wanted: (name: string) => boolean = all): readonly LibraryMember[] {
  let byOpener = MEMBERS.get(f)
  if (!byOpener) MEMBERS.set(f, (byOpener = new Map()))
  const hit = byOpener.get(opener)
  if (hit) return hit
  const { lua, lauxlib } = f
  const L = lauxlib.luaL_newstate()
  lua.lua_pushjsfunction(L, f.lib[opener])
  lua.lua_callk(L, 0, 1, 0, null)
  const list: LibraryMember[] = []
  lua.lua_pushnil(L)
  while (lua.lua_next(L, -2) !== 0) {
    const key = slot(L, -2)
    const value = slot(L, -1)
    const name = luaText(lua.lua_tolstring(L, -2) as Uint8Array)
    if (wanted(name)) {
      if (!IMMUTABLE.has(value.type)) throw new Error(`lua engine: ${opener} made '${name}' of type tag ${value.type}: it cannot be shared`)
      list.push(Object.freeze({ name, key: Object.freeze({ ...key }), value: Object.freeze({ ...value }) }))
    }
    lua.lua_pop(L, 1)
  }
  Object.freeze(list)
  byOpener.set(opener, list)
  return list
}

/**
 * The members of `library` the policy keeps (`allows` decides on each `library.name`),
 * decided once per policy and fengari instance.
 */
export function keptMembers(
  f: Fengari,
  security: SecurityManager,
  library: string,
  allows: (name: string) => boolean,
): readonly LibraryMember[] {
  let byPolicy = KEPT.get(f)
  if (!byPolicy) KEPT.set(f, (byPolicy = new WeakMap()))
  let byLibrary = byPolicy.get(security)
  if (!byLibrary) byPolicy.set(security, (byLibrary = new Map()))
  const hit = byLibrary.get(library)
  if (hit) return hit
  const kept = libraryMembers(f, `luaopen_${library}` as Opener).filter((m) => allows(`${library}.${m.name}`))
  byLibrary.set(library, kept)
  return kept
}

/**
 * Sets `members` into the table on top of `L`'s stack (raw, as `luaL_setfuncs` does): each
 * state gets its own entries, pointing at the shared immutable keys and values.
 */
export function setMembers(f: Fengari, L: LuaState, members: readonly LibraryMember[]): void {
  const { lua } = f
  const { TValue } = f.internal
  lua.lua_checkstack(L, 2)
  for (const m of members) {
    L.stack[L.top++] = new TValue(m.key.type, m.key.value)
    L.stack[L.top++] = new TValue(m.value.type, m.value.value)
    lua.lua_rawset(L, -3)
  }
}

// --- internal ---

const all = (): boolean => true
const MEMBERS = new WeakMap<Fengari, Map<Opener, readonly LibraryMember[]>>()
const KEPT = new WeakMap<Fengari, WeakMap<SecurityManager, Map<string, readonly LibraryMember[]>>>()
