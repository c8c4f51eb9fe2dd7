export { ReplyError } from './errors.js'
export { type ClientReply, textOrBytes } from './scripting/client-shape.js'
export type { RedisArg } from './scripting/command-args.js'
export { RedisConnection } from './scripting/connection.js'
export { createRedisLuaEngine } from './scripting/lua-engine.js'
export {
  createRedisScripting,
  RedisScripting,
  type RedisScriptingOptions,
  type RedisScriptLimits,
} from './scripting/redis-scripting.js'
export {
  type CommandInfo,
  defaultStoreMaxBytes,
  DENY_OOM_COMMANDS,
  MEMORY_COMMANDS,
  memoryStore,
  type MemoryStoreOptions,
  type RedisStore,
} from './store/memory-store.js'
export type { KeyWatch } from './store/key-watch.js'
export { ErrorReply, type Reply, StatusReply } from './store/replies.js'
