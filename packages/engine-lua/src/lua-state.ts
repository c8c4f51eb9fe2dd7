import type { EngineEnvironment, ModuleDefinition } from '@polyhost/core/engine'
import type { SecurityManager } from '@polyhost/core/engine'
import { installBridges } from './bridge-functions.js'
import { type BuiltinHost, raise } from './builtins.js'
import type { LuaCompiler } from './compiler.js'
import { LUA_NULL, LuaConverter, slot } from './converter.js'
import { Environments, environmentMeta } from './environment.js'
import type { Fengari, LuaState, LuaTable, Proto } from './fengari-api.js'
import { GlobalNames } from './global-names.js'
import { InitState } from './init-state.js'
import { FROZEN, type TableGuard } from './guard-runtime.js'
import { reachableBytes } from './memory-walk.js'
import type { RunContext } from './run-context.js'
import { buildSandbox, LOADED_REGISTRY_KEY, type SandboxTables } from './sandbox.js'

/** What every state of one engine shares. */
export interface StateDeps {
  readonly f: Fengari
  readonly env: EngineEnvironment
  readonly compiler: LuaCompiler
  /** Trusted Lua run once per state with the base as `_ENV`, before the base is frozen. */
  readonly init?: string | undefined
  /** `luaEngine({ nullValue: 'sentinel' })`: host null is the global `null` (LUA_NULL). */
  readonly nullSentinel: boolean
  /** Compiled module prototype (cached by the engine); throws ScriptSyntaxError. */
  moduleProto(def: ModuleDefinition): Proto
}

const T_TABLE = 5
/** Base globals that `package.loaded` holds under their own names, as in Lua 5.3. */
const LOADED_LIBRARIES = ['package', 'coroutine', 'table', 'string', 'math', 'utf8', 'os', 'io', 'debug']

/**
 * One pooled fengari state set up to its baseline: the policy's sandbox in a frozen base
 * environment, bridges, a locked environment metatable. Executions write only into their
 * own `_ENV` table, so reset is: drop it, restore any library table a script changed (only
 * possible when builtins are writable), and prove the baseline with a fingerprint.
 */
export class LuaSandbox implements BuiltinHost {
  readonly f: Fengari
  readonly L: LuaState
  readonly security: SecurityManager
  readonly converter: LuaConverter
  /** The execution running on this state, if any. */
  run: RunContext | undefined
  /** Bytes reachable at the baseline (executions are charged what they add). */
  baseline = 0
  bridgesVersion: number
  private readonly tables: SandboxTables
  private readonly libraries = new Map<string, { table: LuaTable; entries: [unknown, unknown][] }>()
  private readonly arrayMetaTable: LuaTable
  private bridgeNames: string[] = []
  private readonly envs: Environments
  private env: LuaTable | undefined
  private loaded: LuaTable | undefined
  private preload: LuaTable | undefined
  private readonly names: GlobalNames
  /** Tables and upvalues the init script made, held to their set-up state (init-state.ts). */
  private initState: InitState | undefined
  /** The baseline's shape after setup (visitShape), checked after every reset. */
  private fingerprint: number[] = []

  constructor(private readonly deps: StateDeps) {
    this.f = deps.f
    const { lua } = deps.f
    this.security = deps.env.security
    const L = (this.L = deps.f.lauxlib.luaL_newstate())
    this.names = new GlobalNames(deps.f)
    lua.lua_atnativeerror(L, (L2) => this.nativeError(L2))
    this.converter = new LuaConverter(deps.f, {
      converters: deps.env.converters,
      maxDepth: deps.env.maxDepth,
      arrayMeta: () => this.arrayMetaTable,
      hostFunction: (fn) => {
        const owner = this.run
        return (L2) => this.callHostFunction(L2, fn, owner)
      },
      execution: () => this.run?.execution,
      nullSentinel: deps.nullSentinel,
    })
    this.tables = buildSandbox(this, L, this.security)
    const baseIdx = lua.lua_gettop(L)
    if (deps.nullSentinel) {
      lua.lua_pushlightuserdata(L, LUA_NULL)
      lua.lua_setfield(L, baseIdx, 'null')
    }
    if (deps.init) this.runInit(baseIdx, deps.init)
    for (const t of this.tables.frozen) t.polyhost = FROZEN
    const readOnly = this.security.policy.readOnlyBuiltins
    for (const [name, table] of this.tables.libraries) {
      table.polyhost = readOnly ? FROZEN : ({ frozen: false, dirty: false } satisfies TableGuard)
      // copies: the VM updates an existing entry's value object in place
      const entries = [...table.strong.values()].map((e): [unknown, unknown] => [{ ...e.key }, { ...e.value }])
      this.libraries.set(name, { table, entries })
    }
    if (deps.init) this.initState = new InitState([this.tables.base, L.l_G.mt[4] as LuaTable])
    lua.lua_createtable(L, 0, 0)
    this.arrayMetaTable = slot(L, -1).value as LuaTable
    this.arrayMetaTable.polyhost = FROZEN
    lua.lua_pop(L, 1)
    const envMeta = environmentMeta(this, L, baseIdx, this.security.policy.protectGlobals)
    this.envs = new Environments(this, this.tables.base, envMeta, this.names)
    this.bridgesVersion = deps.env.bridges.version
    this.bridgeNames = this.withBaseOpen(() => installBridges(this, baseIdx, deps.env.bridges.visible(this.security)))
    lua.lua_settop(L, 0)
    this.settle()
  }

  // --- BuiltinHost ---

  current(L: LuaState): RunContext {
    return this.run ?? raise(this.f, L, 'no execution is running')
  }

  pushEnv(L: LuaState): void {
    this.pushTable(L, this.env)
  }

  /**
   * `package.loaded` of this execution (created on first use): the standard libraries, as
   * Lua 5.3 has them (`require 'string'` is the string table, `_G` the execution's `_ENV`),
   * plus the module instances `require` makes.
   */
  pushLoaded(L: LuaState): void {
    if (this.loaded) {
      this.pushTable(L, this.loaded)
      return
    }
    const { lua } = this.f
    lua.lua_createtable(L, 0, LOADED_LIBRARIES.length + 4)
    this.loaded = slot(L, -1).value as LuaTable
    this.pushTable(L, this.tables.base)
    for (const name of LOADED_LIBRARIES) {
      if (lua.lua_getfield(L, -1, name) === lua.LUA_TNIL) lua.lua_pop(L, 1)
      else lua.lua_setfield(L, -3, name)
    }
    lua.lua_pop(L, 1)
    this.pushEnv(L)
    lua.lua_setfield(L, -2, '_G')
  }

  /** `package.preload` of this execution (created on first use). */
  pushPreload(L: LuaState): void {
    if (this.preload) {
      this.pushTable(L, this.preload)
      return
    }
    this.f.lua.lua_createtable(L, 0, 0)
    this.preload = slot(L, -1).value as LuaTable
  }

  arrayMeta(): LuaTable {
    return this.arrayMetaTable
  }

  loadModule(L: LuaState, name: string): string | undefined {
    const run = this.current(L)
    const def = this.deps.env.modules.get(name, 'lua')
    if (!def || !run.execution.init.security.isModuleAllowed(name)) return `module '${name}' not found`
    let proto: Proto
    try {
      proto = this.deps.moduleProto(def)
    } catch (e) {
      return `error loading module '${name}': ${(e as Error).message}`
    }
    this.deps.compiler.instantiate(L, proto)
    this.pushEnv(L)
    this.f.lua.lua_setupvalue(L, -2, 1)
    return undefined
  }

  // --- pool lifecycle ---

  /**
   * Pushes the execution's environment (environment.ts); kept by reference, not in the
   * registry. The host's globals go in with `setGlobal`, then `sealEnv` before the script runs.
   */
  pushNewEnv(): void {
    this.env = this.envs.push(this.L)
    this.loaded = undefined
    this.preload = undefined
  }

  /** `_ENV[name] = top` for a host-provided global (pops the value); see Environments.set. */
  setGlobal(name: string): void {
    this.envs.set(this.L, name)
  }

  /** The host's globals are in: the script's writes are watched from here on. */
  sealEnv(): void {
    this.envs.seal()
  }

  /** Checkout: false when the policy changed (the pool makes a new state); picks up bridge changes. */
  refresh(env: EngineEnvironment): boolean {
    if (env.security.fingerprint !== this.security.fingerprint) return false
    if (env.bridges.version === this.bridgesVersion) return true
    const { lua } = this.f
    const L = this.L
    lua.lua_settop(L, 0)
    lua.lua_pushnil(L)
    this.pushTable(L, this.tables.base)
    this.bridgeNames = this.withBaseOpen(() => {
      for (const name of this.bridgeNames) {
        lua.lua_pushnil(L)
        lua.lua_setfield(L, 2, name)
      }
      return installBridges(this, 2, env.bridges.visible(this.security))
    })
    this.bridgesVersion = env.bridges.version
    this.envs.dropSpare()
    lua.lua_settop(L, 0)
    this.settle()
    return true
  }

  /** Drops the last execution's environment and restores library tables it changed. */
  reset(): void {
    const { lua } = this.f
    const L = this.L
    this.run = undefined
    this.converter.clear()
    lua.lua_settop(L, 0)
    // the cache's closures reach the finished execution's globals: an idle state must not keep them
    L.l_G.closures = new WeakMap()
    this.envs.release(L)
    this.initState?.restore()
    this.env = undefined
    this.loaded = undefined
    this.preload = undefined
    for (const [name, lib] of this.libraries) {
      const g = lib.table.polyhost as TableGuard
      if (g.dirty || lib.table.metatable !== null) {
        this.restoreLibrary(name)
        this.envs.dropSpare()
      }
    }
  }

  /** The baseline is intact: frozen tables frozen, libraries clean, same shapes as after setup. */
  validate(): boolean {
    if (this.f.lua.lua_gettop(this.L) !== 0) return false
    const fp = this.fingerprint
    let i = 0
    return this.visitShape((v) => fp[i++] === v) && i === fp.length
  }

  destroy(): void {
    this.run = undefined
    this.f.lua.lua_settop(this.L, 0)
  }

  // --- internal ---

  private pushTable(L: LuaState, t: LuaTable | undefined): void {
    const { lua, internal } = this.f
    if (!t) {
      lua.lua_pushnil(L)
      return
    }
    lua.lua_checkstack(L, 1)
    L.stack[L.top++] = new internal.TValue(T_TABLE, t)
  }

  private runInit(baseIdx: number, source: string): void {
    const { lua } = this.f
    const L = this.L
    this.deps.compiler.instantiate(L, this.deps.compiler.compile(source, 'init.lua'))
    lua.lua_pushvalue(L, baseIdx)
    lua.lua_setupvalue(L, -2, 1)
    if (lua.lua_pcall(L, 0, 0, 0) !== lua.LUA_OK) {
      const msg = String.fromCharCode(...(lua.lua_tolstring(L, -1) ?? new Uint8Array()))
      throw new Error(`lua engine: init script failed: ${msg}`)
    }
  }

  private withBaseOpen<T>(fn: () => T): T {
    const base = this.tables.base
    base.polyhost = undefined
    try {
      return fn()
    } finally {
      base.polyhost = FROZEN
    }
  }

  private restoreLibrary(name: string): void {
    const { lua, internal } = this.f
    const L = this.L
    const lib = this.libraries.get(name) as { table: LuaTable; entries: [unknown, unknown][] }
    lua.lua_createtable(L, 0, lib.entries.length)
    const fresh = slot(L, -1).value as LuaTable
    for (const [k, v] of lib.entries) {
      const key = k as { type: number; value: unknown }
      const val = v as { type: number; value: unknown }
      lua.lua_checkstack(L, 2)
      L.stack[L.top++] = new internal.TValue(key.type, key.value)
      L.stack[L.top++] = new internal.TValue(val.type, val.value)
      lua.lua_rawset(L, -3)
    }
    lua.lua_getfield(L, lua.LUA_REGISTRYINDEX, LOADED_REGISTRY_KEY)
    lua.lua_pushvalue(L, -2)
    lua.lua_setfield(L, -2, name)
    lua.lua_pop(L, 1)
    fresh.polyhost = this.security.policy.readOnlyBuiltins ? FROZEN : ({ frozen: false, dirty: false } satisfies TableGuard)
    lib.table = fresh
    lua.lua_pushnil(L)
    this.pushTable(L, this.tables.base)
    this.withBaseOpen(() => {
      lua.lua_pushvalue(L, -3)
      lua.lua_setfield(L, -2, name)
    })
    if (name === 'string') {
      const mt = L.l_G.mt[4] as LuaTable
      mt.polyhost = undefined
      lua.lua_pushstring(L, '')
      lua.lua_getmetatable(L, -1)
      lua.lua_pushvalue(L, -5)
      lua.lua_setfield(L, -2, '__index')
      mt.polyhost = FROZEN
    }
    lua.lua_settop(L, 0)
  }

  /** Records the baseline size and fingerprint after setup or a bridge refresh. */
  private settle(): void {
    this.baseline = reachableBytes(this.L.l_G, this.deps.compiler.shared)
    const fp: number[] = []
    this.visitShape((v) => fp.push(v) > 0)
    this.fingerprint = fp
  }

  /**
   * Visits the baseline's shape in a fixed order: each frozen table's size (-1 once thawed),
   * each library's size (-1 when dirty or given a metatable), then whether the string and
   * array metatables are frozen. Stops at the first value `visit` refuses.
   */
  private visitShape(visit: (v: number) => boolean): boolean {
    for (const t of this.tables.frozen) if (!visit(t.polyhost === FROZEN ? t.strong.size : -1)) return false
    for (const lib of this.libraries.values()) {
      const g = lib.table.polyhost as TableGuard | undefined
      if (!visit(g && !g.dirty && lib.table.metatable === null ? lib.table.strong.size : -1)) return false
    }
    const strMeta = this.L.l_G.mt[4]
    return visit(strMeta?.polyhost === FROZEN ? 1 : -1) && visit(this.arrayMetaTable.polyhost === FROZEN ? 1 : -1)
  }

  private nativeError(L: LuaState): number {
    const { lua } = this.f
    const e = lua.lua_touserdata(L, -1)
    if (this.run) this.run.nativeError = e
    const msg = e instanceof RangeError ? 'not enough memory' : `internal error: ${e instanceof Error ? e.message : String(e)}`
    lua.lua_pushstring(L, msg)
    return 1
  }

  /**
   * A host function from `globals` (or a value): metered like a bridge method (the
   * execution is live, the call counts against bridgeCalls) and callable only in the
   * execution whose values it came with.
   */
  private callHostFunction(L: LuaState, fn: (...args: unknown[]) => unknown, owner: RunContext | undefined): number {
    const run = this.current(L)
    if (run !== owner) return raise(this.f, L, 'host function called outside its execution')
    const { lua } = this.f
    const n = lua.lua_gettop(L)
    let out: unknown
    let failure: unknown
    try {
      run.execution.check()
      const guard = run.converter.guard()
      const args = Array.from({ length: n }, (_, i) => run.converter.read(L, i + 1, guard))
      out = run.execution.callHost(fn, args)
      if (out instanceof Promise) {
        out.catch(() => undefined)
        throw new Error('host functions passed as values must be synchronous')
      }
      lua.lua_settop(L, 0)
      run.converter.push(L, out)
      return 1
    } catch (e) {
      failure = e
    }
    return run.meter.stop(L, failure)
  }
}
