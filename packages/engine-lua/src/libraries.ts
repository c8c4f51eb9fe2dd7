import type { Fengari, LuaState, LuaTable } from './fengari-api.js'
import { FROZEN, type TableGuard } from './guard-runtime.js'
import { LOADED_REGISTRY_KEY, push } from './package-tables.js'

interface Library {
  table: LuaTable
  /** The entries at the end of set-up, as copies (the VM updates an entry's value in place). */
  readonly entries: [{ type: number; value: unknown }, { type: number; value: unknown }][]
}

/**
 * The standard library tables of one state (`string`, `table`, `math`, …). Frozen under
 * `readOnlyBuiltins`; otherwise watched: a script may change them (`function string.trim`
 * works) and reset replaces a changed one with a pristine copy, in the base, in
 * `package.loaded` and (for `string`) as the string metatable's `__index`.
 */
export class WatchedLibraries {
  private readonly libraries = new Map<string, Library>()

  constructor(
    private readonly f: Fengari,
    private readonly L: LuaState,
    tables: Iterable<[string, LuaTable]>,
    private readonly readOnly: boolean,
    private readonly base: LuaTable,
  ) {
    for (const [name, table] of tables) {
      table.polyhost = this.guard()
      const entries = [...table.strong.values()].map((e): Library['entries'][number] => [{ ...e.key }, { ...e.value }])
      this.libraries.set(name, { table, entries })
    }
  }

  /** Replaces every library a script changed (or gave a metatable); true when one was replaced. */
  restoreChanged(): boolean {
    let changed = false
    for (const [name, lib] of this.libraries) {
      const g = lib.table.polyhost as TableGuard
      if (g.dirty || lib.table.metatable !== null) {
        this.restore(name, lib)
        changed = true
      }
    }
    return changed
  }

  /** Visits each library's size, -1 when it is dirty or has a metatable; stops when `visit` refuses. */
  visitShape(visit: (v: number) => boolean): boolean {
    for (const lib of this.libraries.values()) {
      const g = lib.table.polyhost as TableGuard | undefined
      if (!visit(g && !g.dirty && lib.table.metatable === null ? lib.table.strong.size : -1)) return false
    }
    return true
  }

  // --- internal ---

  private guard(): TableGuard {
    return this.readOnly ? FROZEN : { frozen: false, dirty: false }
  }

  private restore(name: string, lib: Library): void {
    const { lua, internal } = this.f
    const L = this.L
    lua.lua_createtable(L, 0, lib.entries.length)
    const fresh = (L.stack[L.top - 1] as { value: unknown }).value as LuaTable
    for (const [key, val] of lib.entries) {
      lua.lua_checkstack(L, 2)
      L.stack[L.top++] = new internal.TValue(key.type, key.value)
      L.stack[L.top++] = new internal.TValue(val.type, val.value)
      lua.lua_rawset(L, -3)
    }
    lua.lua_getfield(L, lua.LUA_REGISTRYINDEX, LOADED_REGISTRY_KEY)
    lua.lua_pushvalue(L, -2)
    lua.lua_setfield(L, -2, name)
    lua.lua_pop(L, 1)
    fresh.polyhost = this.guard()
    lib.table = fresh
    push(this.f, L, this.base)
    const baseGuard = this.base.polyhost
    this.base.polyhost = undefined
    try {
      lua.lua_pushvalue(L, -2)
      lua.lua_setfield(L, -2, name)
    } finally {
      this.base.polyhost = baseGuard
    }
    lua.lua_pop(L, 1)
    if (name === 'string') {
      const mt = L.l_G.mt[4] as LuaTable
      mt.polyhost = undefined
      lua.lua_pushstring(L, '')
      lua.lua_getmetatable(L, -1)
      lua.lua_pushvalue(L, -3)
      lua.lua_setfield(L, -2, '__index')
      mt.polyhost = FROZEN
    }
    lua.lua_settop(L, 0)
  }
}
