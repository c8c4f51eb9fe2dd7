import type { EnginePlugin } from '@polyhost/core'
import { luaEngine } from '@polyhost/engine-lua'
import { REDIS_PRELUDE } from './prelude.js'

/**
 * The Lua engine as Redis scripts need it: Redis's environment from the prelude, and Lua 5.1
 * numbers (every number a double, `%.14g` printing), as Redis 7.0 runs Lua 5.1.
 */
export function createRedisLuaEngine(): EnginePlugin {
  return luaEngine({ init: REDIS_PRELUDE, numbers: 'lua51', stackOverflow: 'error', readOnlyError: 'Attempt to modify a readonly table' })
}
