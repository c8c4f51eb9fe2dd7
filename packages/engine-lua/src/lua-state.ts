import type { EngineEnvironment } from '@polyhost/core/engine'
import type { SecurityManager } from '@polyhost/core/engine'
import { installBridges } from './bridge-functions.js'
import { type BuiltinHost, raise } from './builtins.js'
import { LUA_NULL, LuaConverter, slot } from './converter.js'
import { Environments, environmentMeta } from './environment.js'
import type { Fengari, LuaState, LuaTable, Proto } from './fengari-api.js'
import { GlobalNames } from './global-names.js'
import { InitState, runInit } from './init-state.js'
import { callHostFunction, nativeError } from './host-function.js'
import { WatchedLibraries } from './libraries.js'
import { PackageTables, push } from './package-tables.js'
import { FROZEN } from './guard-runtime.js'
import { reachableBytes, releaseHeap } from './memory-walk.js'
import { OUTSIDE_EXECUTION, type RunContext } from './run-context.js'
import { buildSandbox, type SandboxTables } from './sandbox.js'
import { newStateBytes, type StateDeps } from './state-deps.js'

/**
 * One pooled fengari state set up to its baseline: the policy's sandbox in a frozen base
 * environment, bridges, a locked environment metatable. Executions write only into their
 * own `_ENV` table, so reset is: release it (environment.ts keeps an untouched one), put
 * back what init made and any library a script changed, and prove the baseline with a
 * fingerprint.
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
  private readonly libraries: WatchedLibraries
  private readonly arrayMetaTable: LuaTable
  private bridgeNames: string[] = []
  private readonly envs: Environments
  private env: LuaTable | undefined
  private readonly packages: PackageTables
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
    lua.lua_atnativeerror(L, (L2) => nativeError(this.f, L2, this.run))
    this.converter = new LuaConverter(deps.f, {
      converters: deps.env.converters,
      maxDepth: deps.env.maxDepth,
      arrayMeta: () => this.arrayMetaTable,
      hostFunction: (fn) => {
        const owner = this.run
        return (L2) => callHostFunction(this, L2, fn, owner)
      },
      execution: () => this.run?.execution,
      nullSentinel: deps.nullSentinel,
    })
    this.tables = buildSandbox(this, L, this.security)
    this.packages = new PackageTables(deps.f, this.tables.base)
    const baseIdx = lua.lua_gettop(L)
    if (deps.nullSentinel) {
      lua.lua_pushlightuserdata(L, LUA_NULL)
      lua.lua_setfield(L, baseIdx, 'null')
    }
    const freeze = (t: LuaTable) => t === this.env && this.envs.freeze(t)
    if (deps.init) runInit(deps.f, deps.compiler, L, baseIdx, deps.init, freeze, () => this.env)
    for (const t of this.tables.frozen) t.polyhost = FROZEN
    const readOnly = this.security.policy.readOnlyBuiltins
    this.libraries = new WatchedLibraries(deps.f, L, this.tables.libraries, readOnly, this.tables.base)
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
    this.settle(true)
  }

  // --- BuiltinHost ---

  current(L: LuaState): RunContext {
    return this.run ?? raise(this.f, L, OUTSIDE_EXECUTION)
  }

  pushEnv(L: LuaState): void {
    push(this.f, L, this.env ?? raise(this.f, L, OUTSIDE_EXECUTION))
  }

  /** `package.loaded` of this execution (package-tables.ts). */
  pushLoaded(L: LuaState): void {
    this.packages.pushLoaded(L, this.env)
  }

  /** `package.preload` of this execution. */
  pushPreload(L: LuaState): void {
    this.packages.pushPreload(L)
  }

  arrayMeta(): LuaTable {
    return this.arrayMetaTable
  }

  loadModule(L: LuaState, name: string): { readonly missing: boolean; readonly message: string } | undefined {
    const run = this.current(L)
    const def = this.deps.env.modules.get(name, 'lua')
    if (!def || !run.execution.init.security.isModuleAllowed(name)) return { missing: true, message: `module '${name}' not found` }
    let proto: Proto
    try {
      proto = this.deps.moduleProto(def)
    } catch (e) {
      return { missing: false, message: `error loading module '${name}' registered by the host:\n\t${(e as Error).message}` }
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
    this.packages.clear()
  }

  /** Whether a host global `name` would replace a built-in (see Environments.isBuiltin). */
  isBuiltin(name: string): boolean {
    return this.envs.isBuiltin(this.L, name)
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
    push(this.f, L, this.tables.base)
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
    this.packages.clear()
    // a restored library is a new table in the base: a kept environment holds the old one
    if (this.libraries.restoreChanged()) this.envs.dropSpare()
  }

  /** The baseline is intact: frozen tables frozen, libraries clean, same shapes as after setup. */
  validate(): boolean {
    if (this.f.lua.lua_gettop(this.L) !== 0) return false
    const fp = this.fingerprint
    let i = 0
    return this.visitShape((v) => fp[i++] === v) && i === fp.length
  }

  /** Drops the state for good, its Lua heap cut loose (see releaseHeap). */
  destroy(): void {
    if (!this.L) return
    this.run = undefined
    this.f.lua.lua_settop(this.L, 0)
    releaseHeap(this.L)
    const self = this as unknown as Record<string, unknown>
    for (const key of Object.keys(self)) if (key !== 'f' && key !== 'deps') self[key] = undefined
  }

  // --- internal ---

  private withBaseOpen<T>(fn: () => T): T {
    const base = this.tables.base
    base.polyhost = undefined
    try {
      return fn()
    } finally {
      base.polyhost = FROZEN
    }
  }

  /** Records the baseline size and fingerprint after setup (`fresh`) or a bridge refresh. */
  private settle(fresh = false): void {
    // a refreshed state may hold what its runs left (spare environments): always walked
    const walk = () => reachableBytes(this.L.l_G, this.deps.compiler.shared)
    this.baseline = fresh ? newStateBytes(this.deps, this.bridgesVersion, walk) : walk()
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
    if (!this.libraries.visitShape(visit)) return false
    const strMeta = this.L.l_G.mt[4]
    return visit(strMeta?.polyhost === FROZEN ? 1 : -1) && visit(this.arrayMetaTable.polyhost === FROZEN ? 1 : -1)
  }
}
