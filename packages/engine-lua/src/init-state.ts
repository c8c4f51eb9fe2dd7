import type { LuaCompiler } from './compiler.js'
import type { CClosure, Fengari, LClosure, LuaState, LuaTable, TValue } from './fengari-api.js'
import { FROZEN, type TableGuard } from './guard-runtime.js'
import { InvalidArgumentError, ScriptRuntimeError } from '@polyhost/core/engine'
import { raise } from './builtins.js'
import { slot } from './converter.js'
import { LUA51_ENV_NAME } from './lua51-syntax-patches.js'
import { T_CCL, T_LCL, T_LIGHTUSERDATA, T_TABLE, T_THREAD, T_USERDATA } from './value-tags.js'

/** A full userdata as fengari keeps it (lobject.js Udata). */
interface Udata {
  metatable: LuaTable | null
  uservalue: TValue | undefined
}

/**
 * Runs the trusted init script once, with the base (at `baseIdx`) as its `_ENV` and the set-up
 * API as its one argument (`local api = ...`): never a global, so scripts reach it only through
 * what init builds with it. `api.readonly(t)` makes table `t` refuse every write (an assignment,
 * `rawset`, `table.insert/remove/sort`, `setmetatable`) with the engine's read-only error, as
 * Redis's patched Lua 5.1 (`lua_enablereadonlytable`) does for its globals; `t` is returned.
 * It takes a table no guard holds yet (one the execution made) or the running execution's
 * `_ENV`, which `freezeEnv` makes read-only until the execution ends (the next gets it
 * writable); an already read-only table is left so; a watched library table is refused, as
 * reset could not put it back.
 *
 * `api.setenv(fn, t)` gives Lua function `fn` (and the functions it makes from then on) `t`
 * as its environment and returns `fn`: what `local _ENV = t` does in 5.3, for the 5.1 mode,
 * whose sources cannot name the environment (Redis wraps each script this way). It takes only
 * a function whose environment is the running execution's `_ENV`, so neither init's own
 * functions (shared by every execution) nor another execution's can be given a table.
 */
export function runInit(
  f: Fengari,
  compiler: LuaCompiler,
  L: LuaState,
  baseIdx: number,
  source: string,
  freezeEnv: (t: LuaTable) => boolean,
  runEnv: () => LuaTable | undefined,
): void {
  const { lua } = f
  compiler.instantiate(L, compiler.compile(source, 'init.lua'))
  lua.lua_pushvalue(L, baseIdx)
  lua.lua_setupvalue(L, -2, 1)
  lua.lua_createtable(L, 0, 1)
  lua.lua_pushjsfunction(L, (L1: LuaState) => {
    f.lauxlib.luaL_checktype(L1, 1, lua.LUA_TTABLE)
    const t = slot(L1, 1).value as LuaTable
    const guard = t.polyhost as TableGuard | undefined
    if (guard === undefined) t.polyhost = FROZEN
    else if (!guard.frozen && !freezeEnv(t)) raise(f, L1, 'readonly: a watched table cannot be made read-only')
    lua.lua_settop(L1, 1)
    return 1
  })
  lua.lua_setfield(L, -2, 'readonly')
  lua.lua_pushjsfunction(L, (L1: LuaState) => setEnv(f, L1, runEnv()))
  lua.lua_setfield(L, -2, 'setenv')
  if (lua.lua_pcall(L, 1, 0, 0) !== lua.LUA_OK) {
    const msg = String.fromCharCode(...(lua.lua_tolstring(L, -1) ?? new Uint8Array()))
    throw new ScriptRuntimeError(`lua engine: init script failed: ${msg}`, 'init.lua')
  }
}

/** init's `setenv(fn, t)`: replaces `fn`'s environment upvalue (by name) with a new one holding `t`. */
function setEnv(f: Fengari, L: LuaState, env: LuaTable | undefined): number {
  const { lua, lauxlib } = f
  lauxlib.luaL_checktype(L, 1, lua.LUA_TFUNCTION)
  lauxlib.luaL_checktype(L, 2, lua.LUA_TTABLE)
  const fn = slot(L, 1)
  if (fn.type !== T_LCL) lauxlib.luaL_argerror(L, 1, f.internal.to_luastring('Lua function expected'))
  const cl = fn.value as LClosure
  const name = f.numbers === 'lua51' ? LUA51_ENV_NAME : '_ENV'
  const i = cl.p.upvalues.findIndex((u) => u.name !== null && String.fromCharCode(...u.name.realstring) === name)
  if (i >= 0) {
    const uv = cl.upvals[i] as TValue
    if (env === undefined || uv.type !== T_TABLE || uv.value !== env) {
      raise(f, L, "setenv: only a function whose environment is the running execution's globals")
    }
    const t = slot(L, 2)
    cl.upvals[i] = new f.internal.TValue(t.type, t.value)
  }
  lua.lua_settop(L, 1)
  return 1
}

/**
 * What the `init` script left behind, held to its state at the end of set-up. Everything a
 * state's executions share must not carry one execution's data to the next, and init is the
 * one place that can add such things:
 *
 * - tables it made (`shared = {}`, a helper module's table, a metatable) are frozen: a write
 *   raises "attempt to modify a read-only table", as for the base itself;
 * - the upvalues of its closures (`local count = 0 function inc() count = count + 1 end`)
 *   cannot be frozen, so each is put back to its value at the end of set-up after every
 *   execution — a script may change one during its own run (Redis's `setresp` does), never
 *   for the next.
 *
 * Tables that already have a guard (the base, libraries, bridge tables) keep it; a userdata's
 * metatable (5.1's `newproxy(true)`) is a table like the others. A coroutine init leaves
 * reachable (`gen = coroutine.wrap(...)`) is refused: its stack and locals can be neither
 * frozen nor put back, so it would carry one execution's data to the next. So is a
 * `string.gmatch` iterator, whose position is a light userdata that changes in place.
 */
export class InitState {
  // each upvalue once (closures share them: the Redis prelude's 501 references are 203
  // upvalues), with its type and value at the end of set-up
  private readonly upvalues: TValue[] = []
  private readonly types: number[] = []
  private readonly values: unknown[] = []
  private readonly held = new Set<TValue>()

  /** Walks everything reachable from `roots` (the base and the string metatable) once, after init. */
  constructor(roots: LuaTable[]) {
    const seen = new Set<object>()
    const stack: unknown[] = [...roots]
    const visit = (v: TValue | undefined) => {
      if (!v) return
      const t = v.type & 63
      if (t === T_TABLE || t === T_LCL || t === T_CCL || t === T_USERDATA) stack.push(v.value)
      else if (t === T_THREAD) {
        throw new InvalidArgumentError(
          'lua engine: the init script left a coroutine reachable (in a global, a table or an upvalue); ' +
            'a coroutine keeps its locals from one execution to the next, so init may not keep one',
        )
      } else if (t === T_LIGHTUSERDATA && typeof v.value === 'object' && v.value !== null && !Object.isFrozen(v.value)) {
        throw new InvalidArgumentError(
          'lua engine: the init script left a string.gmatch iterator reachable (in a global, a table or an upvalue); ' +
            'it keeps its position from one execution to the next, so init may not keep one',
        )
      }
    }
    while (stack.length) {
      const o = stack.pop() as object
      if (seen.has(o)) continue
      seen.add(o)
      if ('strong' in o) {
        const table = o as LuaTable
        if (table.polyhost === undefined) table.polyhost = FROZEN
        for (const e of table.strong.values()) {
          visit(e.key)
          visit(e.value)
        }
        if (table.metatable) stack.push(table.metatable)
      } else if ('upvals' in o) {
        for (const uv of (o as LClosure).upvals) this.hold(uv, visit)
      } else if ('upvalue' in o) {
        for (const uv of (o as CClosure).upvalue) this.hold(uv, visit)
      } else if ('uservalue' in o) {
        // 5.1's newproxy(true): its metatable is a table like any other
        const u = o as Udata
        if (u.metatable) stack.push(u.metatable)
        visit(u.uservalue)
      }
    }
    this.held.clear()
  }

  /** Puts every held upvalue back to its value at the end of set-up. */
  restore(): void {
    const { upvalues, types, values } = this
    for (let i = 0; i < upvalues.length; i++) {
      const uv = upvalues[i] as TValue
      if (uv.type !== types[i] || uv.value !== values[i]) {
        uv.type = types[i] as number
        uv.value = values[i]
      }
    }
  }

  // --- internal ---

  private hold(uv: TValue | undefined, visit: (v: TValue | undefined) => void): void {
    if (!uv || this.held.has(uv)) return
    this.held.add(uv)
    this.upvalues.push(uv)
    this.types.push(uv.type)
    this.values.push(uv.value)
    visit(uv)
  }
}
