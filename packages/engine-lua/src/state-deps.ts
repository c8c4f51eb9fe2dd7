import type { EngineEnvironment, ModuleDefinition } from '@polyhost/core/engine'
import type { LuaCompiler } from './compiler.js'
import type { Fengari, Proto } from './fengari-api.js'

/** What every state of one engine shares. */
export interface StateDeps {
  readonly f: Fengari
  readonly env: EngineEnvironment
  readonly compiler: LuaCompiler
  /** Trusted Lua run once per state with the base as `_ENV`, before the base is frozen. */
  readonly init?: string | undefined
  /** `luaEngine({ nullValue: 'sentinel' })`: host null is the global `null` (LUA_NULL). */
  readonly nullSentinel: boolean
  /**
   * Bytes a new state holds once set up, for the current bridges version: every new state of
   * an engine without `init` is built by the same steps into the same objects, so the walk
   * that measures it runs once per version (lua-state.ts).
   */
  readonly newState: { version: number; bytes: number }
  /** Compiled module prototype (cached by the engine); throws ScriptSyntaxError. */
  moduleProto(def: ModuleDefinition): Proto
}

/** The bytes a new state holds once set up: walked for the first of each bridges version. */
export function newStateBytes(deps: StateDeps, bridgesVersion: number, walk: () => number): number {
  if (deps.init) return walk()
  const known = deps.newState
  if (known.version !== bridgesVersion) {
    // only the current version's states are made from here on
    known.bytes = walk()
    known.version = bridgesVersion
  }
  return known.bytes
}
