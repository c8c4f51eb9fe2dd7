import type { EngineCapabilities, EngineFactory } from '@polyhost/core/engine'
import { LUA_INTEGER_RANGE } from './converter.js'
import { LuaEngine } from './engine.js'
import type { LuaEngineOptions } from './options.js'

/**
 * What the Lua engine enforces, and how faithfully (see README "Limits"):
 * instructions count VM instructions plus builtin steps and trip at the budget; the
 * deadline is checked every ≤1000 instructions and every 1024 builtin steps; memory is an
 * estimate (fengari has no allocator); call depth counts frames per coroutine.
 */
export const LUA_CAPABILITIES: EngineCapabilities = Object.freeze({
  limits: Object.freeze({
    instructions: 'exact',
    timeout: 'approximate',
    memory: 'approximate',
    stack: 'exact',
    bridgeCalls: 'exact',
    output: 'exact',
  }),
  asyncBridges: true,
  modules: true,
  multipleReturns: true,
  integerRange: LUA_INTEGER_RANGE,
  undefinedValue: false,
})

/** Engine version: this package and the fengari it patches (part of compile-cache keys). */
export const LUA_ENGINE_VERSION = '0.1.0+fengari.0.1.5'

/**
 * A file's text as Lua's file loader (luaL_loadfilex, in 5.1 and 5.3) reads it: a first line
 * starting with `#` (a `#!/usr/bin/env lua` line) is skipped, its newline kept so error lines
 * still count it. Only files: `load` and `host.execute` take `#` as a syntax error.
 */
export function luaFileSource(text: string): string {
  if (!text.startsWith('#')) return text
  const end = text.indexOf('\n')
  return end < 0 ? '' : text.slice(end)
}

/**
 * The Lua 5.3 engine plugin, on fengari with Polyhost's guards.
 *
 * @example
 * const host = await createHost({ engines: [luaEngine()] })
 * const r = await host.execute({ language: 'lua', source: 'return 1 + 1' })
 */
export const luaEngine: EngineFactory<LuaEngineOptions> = (options = {}) => ({
  id: 'lua',
  languages: ['lua'],
  extensions: ['.lua'],
  capabilities: LUA_CAPABILITIES,
  // compiled prototypes carry the number model's constants: a mode is a different engine build
  version: options.numbers === 'lua51' ? `${LUA_ENGINE_VERSION}+lua51` : LUA_ENGINE_VERSION,
  module: { specifier: import.meta.url, export: 'luaEngine', options },
  fileSource: luaFileSource,
  create: (env) => LuaEngine.create(env, options),
})
