import type { EnginePlugin } from '@polyhost/core'
import { type LuaEngineOptions, luaEngine } from '@polyhost/engine-lua'
import { REDIS_PRELUDE } from './prelude.js'

/**
 * The Lua engine as Redis scripts need it: Redis's environment from the prelude, and Lua 5.1
 * numbers (every number a double, `%.14g` printing) where the engine offers that mode. An
 * engine without the option ignores it and runs Lua 5.3 numbers (see the README).
 */
export function createRedisLuaEngine(): EnginePlugin {
  const options: LuaEngineOptions & { readonly numbers?: 'lua51' } = { init: REDIS_PRELUDE, numbers: 'lua51' }
  return luaEngine(options)
}
