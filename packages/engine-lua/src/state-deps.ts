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
  /** Compiled module prototype (cached by the engine); throws ScriptSyntaxError. */
  moduleProto(def: ModuleDefinition): Proto
}
