import { FENGARI_PATCHES, FENGARI_SUBSTITUTES } from './fengari-guards.js'
import { errorFormat } from './lua-strings.js'
import { loadPatchedFengari } from './fengari-loader.js'
import { numberPatches, numberSubstitutes } from './fengari-numbers.js'
import { STDLIB_PATCHES } from './fengari-stdlib.js'
import { TABLE_ORDER_PATCHES } from './fengari-table-order.js'
import { tableLengthPatches } from './fengari-table-length.js'
import { TRACEBACK_PATCHES } from './fengari-traceback-patches.js'
import { LUA53_COMPAT_PATCHES } from './lua53-compat-patches.js'
import { LUA51_PATCHES, LUA51_SUBSTITUTES } from './lua51-patches.js'
import { GuardRuntime, setFallbackRaise } from './guard-runtime.js'
import type { NumberMode } from './number-runtime.js'
import type { LClosure, LuaCFunction, LuaHook, LuaKFunction, LuaState, LuaString, TValue } from './fengari-types.js'

/**
 * The subset of fengari the engine uses, typed. fengari ships no types; declaring only
 * what is called keeps `any` out of the engine and documents the surface we depend on.
 * The shapes of its objects (states, tables, closures) are in fengari-types.ts.
 */

export type {
  CallInfo,
  CClosure,
  GlobalState,
  LClosure,
  LuaCFunction,
  LuaHook,
  LuaKFunction,
  LuaState,
  LuaString,
  LuaTable,
  Proto,
  TString,
  TValue,
} from './fengari-types.js'

export interface LuaApi {
  LUA_OK: number
  LUA_YIELD: number
  LUA_ERRRUN: number
  LUA_ERRSYNTAX: number
  LUA_ERRMEM: number
  LUA_ERRERR: number
  LUA_TNONE: number
  LUA_TNIL: number
  LUA_TBOOLEAN: number
  LUA_TLIGHTUSERDATA: number
  LUA_TNUMBER: number
  LUA_TSTRING: number
  LUA_TTABLE: number
  LUA_TFUNCTION: number
  LUA_TUSERDATA: number
  LUA_TTHREAD: number
  LUA_MULTRET: number
  LUA_REGISTRYINDEX: number
  LUA_MASKCOUNT: number
  lua_absindex(L: LuaState, idx: number): number
  lua_atnativeerror(L: LuaState, f: LuaCFunction): unknown
  lua_callk(L: LuaState, nargs: number, nresults: number, ctx: unknown, k: LuaKFunction | null): void
  lua_checkstack(L: LuaState, n: number): boolean
  lua_concat(L: LuaState, n: number): void
  lua_createtable(L: LuaState, narr: number, nrec: number): void
  lua_error(L: LuaState): never
  lua_getfield(L: LuaState, idx: number, k: LuaString | string): number
  lua_getmetatable(L: LuaState, idx: number): boolean
  lua_gettop(L: LuaState): number
  lua_insert(L: LuaState, idx: number): void
  lua_isinteger(L: LuaState, idx: number): boolean
  lua_isnumber(L: LuaState, idx: number): boolean
  lua_load(
    L: LuaState,
    reader: (L: LuaState, data: unknown) => Uint8Array | null,
    data: unknown,
    chunkname: LuaString | string,
    mode: LuaString | string | null,
  ): number
  lua_isyieldable(L: LuaState): boolean
  lua_newthread(L: LuaState): LuaState
  lua_next(L: LuaState, idx: number): number
  lua_pcall(L: LuaState, nargs: number, nresults: number, errfunc: number): number
  lua_pop(L: LuaState, n: number): void
  lua_pushboolean(L: LuaState, b: boolean): void
  lua_pushcclosure(L: LuaState, f: LuaCFunction, n: number): void
  lua_pushinteger(L: LuaState, n: number): void
  lua_pushjsfunction(L: LuaState, f: LuaCFunction): void
  lua_pushlightuserdata(L: LuaState, p: unknown): void
  lua_pushnil(L: LuaState): void
  lua_pushnumber(L: LuaState, n: number): void
  lua_pushstring(L: LuaState, s: LuaString | string): LuaString
  lua_pushthread(L: LuaState): boolean
  lua_pushvalue(L: LuaState, idx: number): void
  lua_rawequal(L: LuaState, a: number, b: number): boolean
  lua_rawget(L: LuaState, idx: number): number
  lua_rawgeti(L: LuaState, idx: number, n: number): number
  lua_rawgetp(L: LuaState, idx: number, p: unknown): number
  lua_rawlen(L: LuaState, idx: number): number
  lua_rawset(L: LuaState, idx: number): void
  lua_rawseti(L: LuaState, idx: number, n: number): void
  lua_rawsetp(L: LuaState, idx: number, p: unknown): void
  lua_remove(L: LuaState, idx: number): void
  lua_replace(L: LuaState, idx: number): void
  lua_resume(L: LuaState, from: LuaState | null, nargs: number): number
  lua_setfield(L: LuaState, idx: number, k: LuaString | string): void
  lua_sethook(L: LuaState, f: LuaHook | null, mask: number, count: number): void
  lua_setmetatable(L: LuaState, idx: number): void
  lua_settop(L: LuaState, idx: number): void
  lua_setupvalue(L: LuaState, funcidx: number, n: number): LuaString | null
  lua_toboolean(L: LuaState, idx: number): boolean
  lua_tocfunction(L: LuaState, idx: number): LuaCFunction | null
  lua_tointegerx(L: LuaState, idx: number): number | false
  lua_tolstring(L: LuaState, idx: number): LuaString | null
  lua_tonumber(L: LuaState, idx: number): number
  lua_topointer(L: LuaState, idx: number): object | null
  lua_tothread(L: LuaState, idx: number): LuaState | null
  lua_touserdata(L: LuaState, idx: number): unknown
  lua_type(L: LuaState, idx: number): number
  lua_upvalueindex(i: number): number
  lua_xmove(from: LuaState, to: LuaState, n: number): void
  lua_yieldk(L: LuaState, nresults: number, ctx: unknown, k: LuaKFunction | null): never
}

export interface LauxApi {
  luaL_newstate(): LuaState
  luaL_loadbufferx(L: LuaState, buff: LuaString, size: number | null, name: LuaString | string, mode: LuaString | string | null): number
  luaL_traceback(L: LuaState, L1: LuaState, msg: LuaString | null, level: number): void
  luaL_tolstring(L: LuaState, idx: number): LuaString
  luaL_callmeta(L: LuaState, obj: number, e: LuaString | string): boolean
  luaL_argerror(L: LuaState, arg: number, extramsg: string | LuaString): never
  luaL_checkinteger(L: LuaState, arg: number): number
  luaL_checknumber(L: LuaState, arg: number): number
  luaL_checktype(L: LuaState, arg: number, t: number): void
  luaL_checkstring(L: LuaState, arg: number): LuaString
  luaL_optinteger(L: LuaState, arg: number, def: number): number
  luaL_checkoption(L: LuaState, arg: number, def: string | null, lst: readonly LuaString[]): number
  luaL_checkstack(L: LuaState, n: number, msg: string | null): void
  luaL_len(L: LuaState, idx: number): number
  luaL_where(L: LuaState, level: number): void
}

export interface LibApi {
  luaopen_base: LuaCFunction
  luaopen_coroutine: LuaCFunction
  luaopen_table: LuaCFunction
  luaopen_string: LuaCFunction
  luaopen_math: LuaCFunction
  luaopen_utf8: LuaCFunction
  luaopen_os: LuaCFunction
}

/** fengari internals the engine needs for sharing compiled prototypes and raising errors. */
export interface InternalApi {
  LClosure: new (L: LuaState, n: number) => LClosure
  TValue: new (type: number, value: unknown) => TValue
  luaF_initupvals(L: LuaState, cl: LClosure): void
  luaG_runerror(L: LuaState, fmt: LuaString): never
  LUA_TLCL: number
  /** A CallInfo's mark that its last count hook yielded (lstate.js). */
  CIST_HOOKYIELD: number
  /** A CallInfo's mark that it runs a Lua function. */
  CIST_LUA: number
  /** A CallInfo's mark that a tail call reused it. */
  CIST_TAIL: number
  /** The opcodes of a plain call from Lua code (lopcodes.js). */
  OP_CALL: number
  OP_TAILCALL: number
  to_luastring(s: string): LuaString
  /** Pushes a string that takes ownership of `bytes` (lua_pushstring copies element by element). */
  pushOwnedString(L: LuaState, bytes: Uint8Array): void
}

/** The guarded fengari instance: its API plus the guard runtime its patched code calls. */
export interface Fengari {
  readonly lua: LuaApi
  readonly lauxlib: LauxApi
  readonly lib: LibApi
  readonly internal: InternalApi
  readonly guards: GuardRuntime
  /** The number model this instance was patched for. */
  readonly numbers: NumberMode
}

const instances = new Map<NumberMode, Fengari>()

/** The private, patched fengari instance for a number model (loaded once per process and mode, on first use). */
export function fengari(numbers: NumberMode = 'lua53'): Fengari {
  const hit = instances.get(numbers)
  if (hit) return hit
  const guards = new GuardRuntime()
  // the 5.1 library patches come last: their texts are fengari's as the earlier lists leave it
  const patches = [
    ...FENGARI_PATCHES,
    ...STDLIB_PATCHES,
    ...TRACEBACK_PATCHES,
    ...LUA53_COMPAT_PATCHES,
    ...TABLE_ORDER_PATCHES,
    ...tableLengthPatches(numbers),
    ...numberPatches(numbers),
    ...LUA51_PATCHES,
  ]
  const { load, verify } = loadPatchedFengari(patches, guards, {
    ...FENGARI_SUBSTITUTES,
    ...numberSubstitutes(numbers),
    ...LUA51_SUBSTITUTES,
  })
  const lua = load('lua.js') as LuaApi
  const lauxlib = load('lauxlib.js') as LauxApi
  const mod = (file: string, name: keyof LibApi) => (load(file) as Record<string, LuaCFunction>)[name] as LuaCFunction
  const lib: LibApi = {
    luaopen_base: mod('lbaselib.js', 'luaopen_base'),
    luaopen_coroutine: mod('lcorolib.js', 'luaopen_coroutine'),
    luaopen_table: mod('ltablib.js', 'luaopen_table'),
    luaopen_string: mod('lstrlib.js', 'luaopen_string'),
    luaopen_math: mod('lmathlib.js', 'luaopen_math'),
    luaopen_utf8: mod('lutf8lib.js', 'luaopen_utf8'),
    luaopen_os: mod('loslib.js', 'luaopen_os'),
  }
  const lobject = load('lobject.js') as {
    LClosure: InternalApi['LClosure']
    TValue: InternalApi['TValue']
    pushsvalue2s(L: LuaState, ts: unknown): void
  }
  const lstring = load('lstring.js') as { luaS_bless(L: LuaState, bytes: Uint8Array): unknown }
  const defs = load('defs.js') as { to_luastring(s: string): LuaString; constant_types: { LUA_TLCL: number } }
  const internal: InternalApi = {
    LClosure: lobject.LClosure,
    TValue: lobject.TValue,
    luaF_initupvals: (load('lfunc.js') as Pick<InternalApi, 'luaF_initupvals'>).luaF_initupvals,
    luaG_runerror: (load('ldebug.js') as Pick<InternalApi, 'luaG_runerror'>).luaG_runerror,
    LUA_TLCL: defs.constant_types.LUA_TLCL,
    CIST_HOOKYIELD: (load('lstate.js') as { CIST_HOOKYIELD: number }).CIST_HOOKYIELD,
    CIST_LUA: (load('lstate.js') as { CIST_LUA: number }).CIST_LUA,
    CIST_TAIL: (load('lstate.js') as { CIST_TAIL: number }).CIST_TAIL,
    OP_CALL: (load('lopcodes.js') as { OpCodesI: { OP_CALL: number } }).OpCodesI.OP_CALL,
    OP_TAILCALL: (load('lopcodes.js') as { OpCodesI: { OP_TAILCALL: number } }).OpCodesI.OP_TAILCALL,
    to_luastring: defs.to_luastring,
    pushOwnedString: (L, bytes) => lobject.pushsvalue2s(L, lstring.luaS_bless(L, bytes)),
  }
  verify()
  setFallbackRaise((L, message) => internal.luaG_runerror(L, internal.to_luastring(errorFormat(message))))
  const instance: Fengari = { lua, lauxlib, lib, internal, guards, numbers }
  instances.set(numbers, instance)
  return instance
}
