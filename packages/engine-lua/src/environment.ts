import { type BuiltinHost, makeStrictNewIndex } from './builtins.js'
import { slot } from './converter.js'
import type { LuaState, LuaTable, TValue } from './fengari-api.js'
import type { GlobalNames } from './global-names.js'
import { FROZEN, type TableGuard } from './guard-runtime.js'
import { push } from './package-tables.js'
import { T_NIL } from './value-tags.js'

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
  const { lua } = host.f
  lua.lua_createtable(L, 0, 0)
  const env = slot(L, -1).value as EnvTable & { flags: number }
  for (const [hash, e] of base.strong) append(host, env, hash, e.key, e.value)
  env.flags = 0 // new keys: the metamethod-absence cache is invalid (the table may become a metatable)
  env.metatable = meta
  return env
}

/**
 * The `_ENV` tables of one state's executions. A copy of the base costs about a quarter of a
 * tiny script's run, so an environment the script left as it was made (its guard never saw a
 * write, its metatable unchanged) is restored and kept for the next execution: the host's
 * globals are put back to the base's values or removed, which leaves exactly what a new copy
 * would hold, in the same order. Any other environment is dropped, and so is the spare when
 * the base changes (a bridge refresh, a restored library).
 */
export class Environments {
  private spare: LuaTable | undefined
  private current: LuaTable | undefined
  private guard: TableGuard | undefined
  private readonly written: string[] = []

  constructor(
    private readonly host: BuiltinHost,
    private readonly base: LuaTable,
    private readonly meta: LuaTable | null,
    private readonly names: GlobalNames,
  ) {}

  /**
   * Whether a host global `name` would replace a name every execution starts with (a library,
   * a builtin, `_G`), or is `_ENV`, which the 5.3 compiler resolves to the environment: a global
   * of that name would be set but never read (in 5.1 it is an ordinary name).
   */
  isBuiltin(L: LuaState, name: string): boolean {
    if (name === '_G' || (name === '_ENV' && this.host.f.numbers !== 'lua51')) return true
    return this.base.strong.has(this.names.key(L, name).hash)
  }

  /** Pushes the next execution's environment, unwatched until `seal`; its entries are charged as a copy's. */
  push(L: LuaState): LuaTable {
    const { lua } = this.host.f
    const env = this.spare
    if (!env) {
      const fresh = pushEnvironment(this.host, L, this.base, this.meta)
      this.current = fresh
      lua.lua_pushvalue(L, -1)
      this.set(L, '_G')
      this.written.length = 0
      return fresh
    }
    this.spare = undefined
    const { guards } = this.host.f
    for (let i = this.base.strong.size; i > 0; i--) guards.entry()
    push(this.host.f, L, env)
    ;(env as LuaTable & { flags: number }).flags = 0
    return (this.current = env)
  }

  /**
   * `_ENV[name] = top` for a host-provided global, before `seal`; pops the value. Written
   * into the entries directly (no metamethods, no dead-key upkeep: through `lua_rawset`
   * each write cleared the table's dead-key map), and remembered for the restore.
   */
  set(L: LuaState, name: string): void {
    const env = this.current as EnvTable
    const key = this.names.key(L, name)
    const value = L.stack[L.top - 1] as TValue & { setfrom(v: TValue): void }
    const e = env.strong.get(key.hash) as Entry | undefined
    this.written.push(name)
    if ((value.type & 15) === T_NIL) {
      if (e) unlink(env, key.hash, e)
    } else if (e) {
      ;(e.value as TValue & { setfrom(v: TValue): void }).setfrom(value)
    } else {
      append(this.host, env, key.hash, key, value)
    }
    this.host.f.lua.lua_pop(L, 1)
  }

  /** From here on, a write by the script marks the environment as not reusable. */
  seal(): void {
    const env = this.current as LuaTable
    this.guard = { frozen: false, dirty: false }
    env.polyhost = this.guard
  }

  /**
   * Makes the running execution's `_ENV` read-only (init's `readonly`): its writes raise from
   * here on. Nothing is written, so it can still be kept for the next execution, which gets it
   * writable. False before `seal` (the host's globals are not in yet).
   */
  freeze(env: LuaTable): boolean {
    if (env !== this.current || !this.guard) return false
    env.polyhost = FROZEN
    return true
  }

  /** The execution is over: keep its environment for the next one if it can be restored exactly. */
  release(L: LuaState): void {
    const env = this.current
    const guard = this.guard
    this.current = this.guard = undefined
    const names = this.written.splice(0)
    if (!env || !guard || guard.dirty || env.metatable !== this.meta) return
    env.polyhost = undefined
    if (this.restore(L, env, names)) this.spare = env
  }

  /** The base changed: an environment copied from the old one must not be reused. */
  dropSpare(): void {
    this.spare = undefined
  }

  // --- internal ---

  private restore(L: LuaState, env: LuaTable, names: string[]): boolean {
    for (const name of names) {
      if (name === '_G') return false
      const key = this.names.key(L, name)
      const inEnv = env.strong.get(key.hash)
      const inBase = this.base.strong.get(key.hash)
      if (inBase) {
        // a base global the host removed would come back at the end: another order than a copy's
        if (!inEnv) return false
        ;(inEnv.value as TValue & { setfrom(v: TValue): void }).setfrom(inBase.value)
      } else if (inEnv) {
        unlink(env as EnvTable, key.hash, inEnv as Entry)
      }
    }
    return true
  }
}

type EnvTable = LuaTable & { f: Entry | undefined; l: Entry | undefined }

/**
 * Adds an entry at the end of `t`'s insertion order as fengari's `add` does (distinct key
 * and value slots: the VM updates a value in place), charged like any other entry.
 */
function append(host: BuiltinHost, t: EnvTable, hash: unknown, key: TValue, value: TValue): void {
  const { internal, guards } = host.f
  guards.entry()
  const entry: Entry = {
    key: new internal.TValue(key.type, key.value),
    value: new internal.TValue(value.type, value.value),
    p: t.l,
    n: undefined,
  }
  if (t.l) t.l.n = entry
  else t.f = entry
  t.l = entry
  t.strong.set(hash, entry)
}

/**
 * Removes an entry as fengari's `mark_dead` does, without keeping it as a dead key: nothing
 * iterates the environment between executions, and a kept dead key makes the next insert
 * clear the dead-key map.
 */
function unlink(t: EnvTable, hash: unknown, e: Entry): void {
  const { p, n } = e
  if (p) p.n = n
  if (n) n.p = p
  if (t.f === e) t.f = n
  if (t.l === e) t.l = p
  t.strong.delete(hash)
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
