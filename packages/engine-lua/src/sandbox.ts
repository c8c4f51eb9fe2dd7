import type { SecurityManager } from '@polyhost/core/engine'
import { type BuiltinHost, makeArray, makeCollectGarbage, makePrint, makeRandom } from './builtins.js'
import { slot } from './converter.js'
import { setName } from './lua-names.js'
import { makeLoad, makeRequire, pushPackage } from './load-require.js'
import { LOADED_REGISTRY_KEY } from './package-tables.js'
import type { Fengari, LuaCFunction, LuaState, LuaTable } from './fengari-api.js'
import { installLua51Names } from './lua51-compat.js'
import { installLua52Compat } from './lua53-compat.js'
import { makeMainThreadCoroutine } from './main-thread.js'
import { makeOs } from './os-library.js'
import { pushIoWrite } from './stdout-file.js'
import { makeTraceback } from './traceback.js'
import { keptMembers, type LibraryMember, libraryMembers, setMembers } from './library-members.js'

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

/** What a freshly built sandbox consists of. */
export interface SandboxTables {
  /** The shared base environment (frozen); each execution's `_ENV` falls back to it. */
  readonly base: LuaTable
  /** Library tables (os, io and debug too): frozen under read-only builtins, else watched and restored after each run. */
  readonly libraries: ReadonlyMap<string, LuaTable>
  /** Tables that are always frozen (base, string metatable, real globals, package, the FILE* metatable). */
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
  const setFn = (name: string, fn: LuaCFunction): void => {
    lua.lua_pushjsfunction(L, fn)
    setName(host.f, L, -2, name)
  }

  lua.lua_createtable(L, 0, 40)
  const baseIdx = lua.lua_gettop(L)
  const base = slot(L, baseIdx).value as LuaTable

  // lbaselib's functions (read once from the globals luaopen_base fills); the real globals stay empty
  if (security.isAllowed('base')) setMembers(host.f, L, baseMembers(host))
  lua.lua_createtable(L, 0, 0)
  frozen.push(slot(L, -1).value as LuaTable)
  lua.lua_rawseti(L, lua.LUA_REGISTRYINDEX, RIDX_GLOBALS)

  lua.lua_pushvalue(L, baseIdx)
  setName(host.f, L, baseIdx, '_G')
  setFn('collectgarbage', makeCollectGarbage(host))
  setFn('array', makeArray(host))
  if (security.isAllowed('print')) setFn('print', makePrint(host))
  if (allows(security, 'eval')) setFn('load', makeLoad(host))
  if (security.isAllowed('require')) {
    setFn('require', makeRequire(host))
    frozen.push(pushPackage(host, L))
    setName(host.f, L, baseIdx, 'package')
  }

  for (const name of LIBRARIES) {
    if (!security.isAllowed(name)) continue
    // the members luaopen_* makes, as the policy keeps them (library-members.ts)
    lua.lua_createtable(L, 0, 32)
    setMembers(
      host.f,
      L,
      keptMembers(host.f, security, name, (member) => allows(security, member)),
    )
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
    setName(host.f, L, baseIdx, name)
  }
  // the string metatable (luaopen_string's createmetatable), shared by every run on this state
  if (libraries.has('string')) {
    lua.lua_createtable(L, 0, 1)
    lua.lua_getfield(L, baseIdx, 'string')
    setName(host.f, L, -2, '__index')
    frozen.push(slot(L, -1).value as LuaTable)
    lua.lua_pushstring(L, '')
    lua.lua_insert(L, -2)
    lua.lua_setmetatable(L, -2)
    lua.lua_pop(L, 1)
  }

  // os, io and debug are library tables like the others (a script may mock os.time): their
  // functions close over nothing a replacement could reach, and the FILE* metatable stays frozen
  buildOs(host, L, baseIdx, security, libraries)
  if (security.isAllowed('io.write')) {
    lua.lua_createtable(L, 0, 1)
    pushIoWrite(host, L, frozen)
    setName(host.f, L, -2, 'write')
    libraries.set('io', slot(L, -1).value as LuaTable)
    setName(host.f, L, baseIdx, 'io')
  }
  if (allows(security, 'debug.traceback')) {
    lua.lua_createtable(L, 0, 1)
    setFn('traceback', makeTraceback(host))
    libraries.set('debug', slot(L, -1).value as LuaTable)
    setName(host.f, L, baseIdx, 'debug')
  }
  if (host.f.numbers === 'lua51') installLua51Names(host, L, baseIdx, libraries, (name) => allows(security, name))
  else installLua52Compat(host, L, baseIdx, libraries, (name) => allows(security, name), security)
  registerLoaded(host, L, baseIdx)
  frozen.push(base)
  return { base, libraries, frozen }
}

// --- internal ---

const BASE_SET = new Set<string>(BASE_FUNCTIONS)

const BASE_MEMBERS = new WeakMap<Fengari, LibraryMember[]>()

/** lbaselib's kept functions (and `_VERSION`) in BASE_FUNCTIONS order. */
function baseMembers(host: BuiltinHost): LibraryMember[] {
  let list = BASE_MEMBERS.get(host.f)
  if (!list) {
    const members = libraryMembers(host.f, 'luaopen_base', (name) => BASE_SET.has(name))
    list = BASE_FUNCTIONS.flatMap((name) => members.find((m) => m.name === name) ?? [])
    BASE_MEMBERS.set(host.f, list)
  }
  return list
}

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
  setName(host.f, L, -2, '_G')
  for (const name of LOADED_NAMES) {
    if (lua.lua_getfield(L, baseIdx, name) === lua.LUA_TTABLE) setName(host.f, L, -2, name)
    else lua.lua_pop(L, 1)
  }
  setName(host.f, L, lua.LUA_REGISTRYINDEX, LOADED_REGISTRY_KEY)
}

function buildOs(host: BuiltinHost, L: LuaState, baseIdx: number, security: SecurityManager, libraries: Map<string, LuaTable>): void {
  const { lua } = host.f
  const members = ['time', 'clock', 'date', 'difftime'].filter((m) => security.isAllowed(`os.${m}`))
  if (members.length === 0) return
  // fengari's difftime is C Lua's; time, date and clock are the engine's (os-library.ts)
  const difftime = libraryMembers(host.f, 'luaopen_os').find((m) => m.name === 'difftime')?.value.value as LuaCFunction
  const own = makeOs(host)
  lua.lua_createtable(L, 0, members.length)
  for (const m of members) {
    lua.lua_pushjsfunction(L, m === 'difftime' ? difftime : own[m as keyof typeof own])
    setName(host.f, L, -2, m)
  }
  libraries.set('os', slot(L, -1).value as LuaTable)
  setName(host.f, L, baseIdx, 'os')
}
