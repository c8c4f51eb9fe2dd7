import type { SecurityManager } from '@polyhost/core/engine'
import { type BuiltinHost, makeArray, makeCollectGarbage, makePrint, makeRandom, makeTraceback } from './builtins.js'
import { slot } from './converter.js'
import { makeLoad, makeRequire, pushPackage } from './load-require.js'
import type { LuaCFunction, LuaState, LuaTable } from './fengari-api.js'
import { installLua51Names } from './lua51-compat.js'
import { installLua52Compat } from './lua53-compat.js'
import { luaText } from './lua-strings.js'
import { makeMainThreadCoroutine } from './main-thread.js'
import { makeOs } from './os-library.js'
import { pushIoWrite } from './stdout-file.js'
import { keeps, memberDecisions } from './member-decisions.js'

/** Base functions kept from fengari's lbaselib (print, load, require... are the engine's own). */
const BASE_FUNCTIONS = [
  'assert',
  'error',
  'getmetatable',
  'ipairs',
  'next',
  'pairs',
  'pcall',
  'rawequal',
  'rawget',
  'rawlen',
  'rawset',
  'select',
  'setmetatable',
  'tonumber',
  'tostring',
  'type',
  'xpcall',
  '_VERSION',
]
/** Libraries opened from fengari and filtered member by member. */
const LIBRARIES = ['string', 'table', 'math', 'utf8', 'coroutine'] as const
/** Risky names are allowed only when the policy lists them, not because their parent is allowed. */
const RIDX_GLOBALS = 2
const RISKY = new Set(['string.dump', 'debug.traceback', 'eval', 'binaryChunks', 'debug'])
/** Tables C Lua's `package.loaded` holds besides `_G` (only those the policy opened are there). */
const LOADED_NAMES = [...LIBRARIES, 'bit32', 'os', 'io', 'debug']
/** The registry field lauxlib searches for function names (LUA_LOADED_TABLE). */
export const LOADED_REGISTRY_KEY = '_LOADED'

/** What a freshly built sandbox consists of. */
export interface SandboxTables {
  /** The shared base environment (frozen); each execution's `_ENV` falls back to it. */
  readonly base: LuaTable
  /** Library tables: frozen under read-only builtins, else watched and restored after each run. */
  readonly libraries: ReadonlyMap<string, LuaTable>
  /** Tables that are always frozen (base, string metatable, real globals, io/os/debug tables). */
  readonly frozen: readonly LuaTable[]
}

/** Whether the policy allows a Lua library member. */
export function allows(security: SecurityManager, name: string): boolean {
  if (RISKY.has(name)) return security.policy.libraries.has(name) && security.isAllowed(name)
  return security.isAllowed(name)
}

/**
 * Opens the libraries the policy allows into a new base table and leaves it on the stack.
 * Whatever reaches the host is never put there: no io (but a captured `io.write`), no
 * os.exit/execute/getenv/remove/rename/tmpname, no package/require of files, no
 * loadfile/dofile, no debug (but `debug.traceback` when allowed), no binary chunks.
 * The state's real global table is emptied and frozen, so nothing can default to it.
 */
export function buildSandbox(host: BuiltinHost, L: LuaState, security: SecurityManager): SandboxTables {
  const { lua } = host.f
  const frozen: LuaTable[] = []
  const libraries = new Map<string, LuaTable>()
  const open = (fn: LuaCFunction): void => {
    lua.lua_pushjsfunction(L, fn)
    lua.lua_callk(L, 0, 1, 0, null)
  }
  const setFn = (name: string, fn: LuaCFunction): void => {
    lua.lua_pushjsfunction(L, fn)
    lua.lua_setfield(L, -2, name)
  }

  lua.lua_createtable(L, 0, 40)
  const baseIdx = lua.lua_gettop(L)
  const base = slot(L, baseIdx).value as LuaTable

  // lbaselib writes into the real globals; copy the allowed functions out, then empty them
  open(host.f.lib.luaopen_base)
  const globalsIdx = lua.lua_gettop(L)
  if (security.isAllowed('base')) {
    for (const name of BASE_FUNCTIONS) {
      lua.lua_getfield(L, globalsIdx, name)
      lua.lua_setfield(L, baseIdx, name)
    }
  }
  lua.lua_pop(L, 1)
  lua.lua_createtable(L, 0, 0)
  frozen.push(slot(L, -1).value as LuaTable)
  lua.lua_rawseti(L, lua.LUA_REGISTRYINDEX, RIDX_GLOBALS)

  lua.lua_pushvalue(L, baseIdx)
  lua.lua_setfield(L, baseIdx, '_G')
  setFn('collectgarbage', makeCollectGarbage(host))
  setFn('array', makeArray(host))
  if (security.isAllowed('print')) setFn('print', makePrint(host))
  if (allows(security, 'eval')) setFn('load', makeLoad(host))
  if (security.isAllowed('require')) {
    setFn('require', makeRequire(host))
    frozen.push(pushPackage(host, L))
    lua.lua_setfield(L, baseIdx, 'package')
  }

  for (const name of LIBRARIES) {
    if (!security.isAllowed(name)) continue
    const opener = `luaopen_${name}` as const
    open(host.f.lib[opener])
    lua.lua_createtable(L, 0, 32)
    lua.lua_pushnil(L)
    const decisions = memberDecisions(security, name)
    let i = 0
    while (lua.lua_next(L, -3) !== 0) {
      if (keeps(decisions, i++, lua.lua_tolstring(L, -2) as Uint8Array, (key) => allows(security, `${name}.${luaText(key)}`))) {
        lua.lua_pushvalue(L, -2)
        lua.lua_insert(L, -2)
        lua.lua_rawset(L, -4)
      } else lua.lua_pop(L, 1)
    }
    if (name === 'math') {
      const { random, randomseed } = makeRandom(host)
      if (allows(security, 'math.random')) setFn('random', random)
      if (allows(security, 'math.randomseed')) setFn('randomseed', randomseed)
    }
    if (name === 'coroutine') {
      for (const [member, fn] of Object.entries(makeMainThreadCoroutine(host))) {
        if (allows(security, `coroutine.${member}`)) setFn(member, fn)
      }
    }
    libraries.set(name, slot(L, -1).value as LuaTable)
    lua.lua_setfield(L, baseIdx, name)
    lua.lua_pop(L, 1)
  }
  // luaopen_string set the string metatable; it is shared by every run on this state
  lua.lua_pushstring(L, '')
  if (lua.lua_getmetatable(L, -1)) {
    const mt = slot(L, -1).value as LuaTable
    const lib = libraries.get('string')
    if (lib) {
      lua.lua_getfield(L, baseIdx, 'string')
      lua.lua_setfield(L, -2, '__index')
    } else {
      lua.lua_pushnil(L)
      lua.lua_setfield(L, -2, '__index')
    }
    frozen.push(mt)
    lua.lua_pop(L, 1)
  }
  lua.lua_pop(L, 1)

  buildOs(host, L, baseIdx, security, frozen)
  if (security.isAllowed('io.write')) {
    lua.lua_createtable(L, 0, 1)
    pushIoWrite(host, L, frozen)
    lua.lua_setfield(L, -2, 'write')
    frozen.push(slot(L, -1).value as LuaTable)
    lua.lua_setfield(L, baseIdx, 'io')
  }
  if (allows(security, 'debug.traceback')) {
    lua.lua_createtable(L, 0, 1)
    setFn('traceback', makeTraceback(host))
    frozen.push(slot(L, -1).value as LuaTable)
    lua.lua_setfield(L, baseIdx, 'debug')
  }
  if (host.f.numbers === 'lua51') installLua51Names(host, L, baseIdx, libraries, (name) => allows(security, name))
  else installLua52Compat(host, L, baseIdx, libraries, (name) => allows(security, name), security)
  registerLoaded(host, L, baseIdx)
  frozen.push(base)
  return { base, libraries, frozen }
}

// --- internal ---

/**
 * The registry's `_LOADED` (package.loaded in C Lua) with the base as `_G` and the library
 * tables: luaL_argerror and luaL_traceback name a C function by finding it there ("bad
 * argument #1 to 'string.rep'", "in function 'pcall'"); without it they said '?'. Scripts
 * never reach the registry; restoring a library table updates its entry (lua-state.ts).
 */
function registerLoaded(host: BuiltinHost, L: LuaState, baseIdx: number): void {
  const { lua } = host.f
  lua.lua_createtable(L, 0, LOADED_NAMES.length + 1)
  lua.lua_pushvalue(L, baseIdx)
  lua.lua_setfield(L, -2, '_G')
  for (const name of LOADED_NAMES) {
    if (lua.lua_getfield(L, baseIdx, name) === lua.LUA_TTABLE) lua.lua_setfield(L, -2, name)
    else lua.lua_pop(L, 1)
  }
  lua.lua_setfield(L, lua.LUA_REGISTRYINDEX, LOADED_REGISTRY_KEY)
}

function buildOs(host: BuiltinHost, L: LuaState, baseIdx: number, security: SecurityManager, frozen: LuaTable[]): void {
  const { lua } = host.f
  const members = ['time', 'clock', 'date', 'difftime'].filter((m) => security.isAllowed(`os.${m}`))
  if (members.length === 0) return
  // fengari's difftime is C Lua's; time, date and clock are the engine's (os-library.ts)
  lua.lua_pushjsfunction(L, host.f.lib.luaopen_os)
  lua.lua_callk(L, 0, 1, 0, null)
  lua.lua_getfield(L, -1, 'difftime')
  const difftime = lua.lua_tocfunction(L, -1) as LuaCFunction
  lua.lua_pop(L, 2)
  const own = makeOs(host)
  lua.lua_createtable(L, 0, members.length)
  for (const m of members) {
    lua.lua_pushjsfunction(L, m === 'difftime' ? difftime : own[m as keyof typeof own])
    lua.lua_setfield(L, -2, m)
  }
  frozen.push(slot(L, -1).value as LuaTable)
  lua.lua_setfield(L, baseIdx, 'os')
}
