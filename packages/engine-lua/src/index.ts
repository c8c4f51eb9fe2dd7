export { LUA_CAPABILITIES, LUA_ENGINE_VERSION, luaEngine } from './plugin.js'
export { LuaEngine, type LuaCompiledScript } from './engine.js'
export type { LuaEngineOptions } from './options.js'
export { LUA_INTEGER_RANGE } from './converter.js'
