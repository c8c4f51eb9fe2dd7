import type { BuiltinHost } from './builtins.js'
import { raise } from './builtins.js'
import type { LuaCFunction, LuaState } from './fengari-api.js'
import { type BrokenTime, breakDown, daysFromCivil, makeTime, zoneName } from './os-calendar.js'
import { cint } from './lua51-integers.js'
import { convert, specifierLength } from './os-strftime.js'
import { convert51 } from './os-strftime51.js'
import { MAX_INTEGER, OVERFLOW, OVERFLOW_MESSAGE } from './number-runtime.js'

/** loslib.c's L_MAXDATEFIELD (INT_MAX / 2): a date field beyond it is "out-of-bound". */
const MAX_DATE_FIELD = 1073741823
/** C's INT_MAX: a normalised year past it (as tm_year) makes mktime fail. */
const INT_MAX = 2147483647
/** 5.1's os.time: the largest local time (seconds) computed exactly here, with a day's room for the zone. */
const EXACT_TIME = BigInt(Number.MAX_SAFE_INTEGER) - 2n * 86400n
const INEXACT_TIME = 'time result beyond ±2^53 seconds cannot be computed exactly here'
/** Output of one os.date call charged against the memory budget each time it grows by this. */
const CHARGE_EVERY = 4096
const PERCENT = 37

/**
 * `os.time`, `os.date` and `os.clock` as loslib.c of Lua 5.3 (glibc, C locale), reading
 * "now" from the execution (frozen clocks). Dates are computed by os-calendar.ts and
 * formatted by os-strftime.ts, not by fengari's loslib (which formatted with JS `Date`:
 * `%t` a backspace, no ISO weeks, `os.time{isdst = true}` ignored, years only to ±275,760).
 */
export function makeOs(host: BuiltinHost): Record<'time' | 'date' | 'clock', LuaCFunction> {
  const { lua, lauxlib, internal } = host.f
  const lua51 = host.f.numbers === 'lua51'
  const now = (L: LuaState) => Math.floor(host.current(L).now() / 1000)
  // glibc's mktime starts from the offset its last call found; here, the execution's last call
  const guesses = new WeakMap<object, number>()

  /** loslib.c's getfield: an integer field (or the default `d`; none when d < 0) minus `delta`. */
  const field = (L: LuaState, key: string, d: number, delta: number): number => {
    const t = lua.lua_getfield(L, -1, key)
    let res: number | false
    try {
      res = lua.lua_tointegerx(L, -1)
    } catch (e) {
      if (e !== OVERFLOW) throw e
      res = Number.POSITIVE_INFINITY // a 64-bit integer beyond ±(2^53 − 1) (2^53, '1e16'): out-of-bound, as in C
    }
    lua.lua_pop(L, 1)
    if (res === false) {
      if (t !== lua.LUA_TNIL) return raise(host.f, L, `field '${key}' is not an integer`)
      if (d < 0) return raise(host.f, L, `field '${key}' missing in date table`)
      return d
    }
    if (!(-MAX_DATE_FIELD <= res && res <= MAX_DATE_FIELD)) return raise(host.f, L, `field '${key}' is out-of-bound`)
    return res - delta
  }
  /** loslib.c's setallfields, in its order, through lua_setfield as C does. */
  const setAll = (L: LuaState, tm: BrokenTime): void => {
    const set = (key: string, v: number) => {
      lua.lua_pushinteger(L, v)
      lua.lua_setfield(L, -2, key)
    }
    set('year', tm.year)
    set('month', tm.month + 1)
    set('day', tm.day)
    set('hour', tm.hour)
    set('min', tm.min)
    set('sec', tm.sec)
    set('yday', tm.yday + 1)
    set('wday', tm.wday + 1)
    lua.lua_pushboolean(L, tm.isdst > 0)
    lua.lua_setfield(L, -2, 'isdst')
  }

  const time: LuaCFunction = (L) => {
    if (lua.lua_type(L, 1) <= lua.LUA_TNIL) {
      lua.lua_pushinteger(L, now(L))
      return 1
    }
    lauxlib.luaL_checktype(L, 1, lua.LUA_TTABLE)
    lua.lua_settop(L, 1)
    if (lua51) return time51(L)
    const sec = field(L, 'sec', 0, 0)
    const min = field(L, 'min', 0, 0)
    const hour = field(L, 'hour', 12, 0)
    const day = field(L, 'day', -1, 0)
    const month = field(L, 'month', -1, 1)
    const year = field(L, 'year', -1, 1900) + 1900
    const isdst = lua.lua_getfield(L, -1, 'isdst') === lua.LUA_TNIL ? -1 : lua.lua_toboolean(L, -1) ? 1 : 0
    lua.lua_pop(L, 1)
    const run = host.current(L)
    const made = makeTime({ year, month, day, hour, min, sec, isdst }, guesses.get(run) ?? 0)
    if (made === null || made.tm.year - 1900 > INT_MAX || made.tm.year - 1900 < -INT_MAX - 1) {
      return raise(host.f, L, 'time result cannot be represented in this installation')
    }
    const { t, tm } = made
    guesses.set(run, made.guess)
    setAll(L, tm)
    // mktime's (time_t)-1 is its error value too: C Lua refuses 1969-12-31 23:59:59 UTC (after updating the table)
    if (t === -1) return raise(host.f, L, 'time result cannot be represented in this installation')
    if (Math.abs(t) > MAX_INTEGER) return raise(host.f, L, OVERFLOW_MESSAGE)
    lua.lua_pushinteger(L, t)
    return 1
  }

  /**
   * lua-5.1.5's os_time: a field is C's `(int)lua_tointeger` of a number or numeral string
   * (anything else is "missing", a default apart), `year - 1900` and `month - 1` in int
   * arithmetic, then mktime; nil where mktime answers -1; the table is left as it was.
   */
  const time51 = (L: LuaState): number => {
    const field51 = (key: string, d: number): number => {
      lua.lua_getfield(L, -1, key)
      const number = lua.lua_isnumber(L, -1)
      const res = number ? cint(lua.lua_tonumber(L, -1)) : d
      lua.lua_pop(L, 1)
      if (!number && d < 0) return raise(host.f, L, `field '${key}' missing in date table`)
      return res
    }
    const sec = field51('sec', 0)
    const min = field51('min', 0)
    const hour = field51('hour', 12)
    const day = field51('day', -1)
    const month = (field51('month', -1) - 1) | 0
    const year = ((field51('year', -1) - 1900) | 0) + 1900
    const isdst = lua.lua_getfield(L, -1, 'isdst') === lua.LUA_TNIL ? -1 : lua.lua_toboolean(L, -1) ? 1 : 0
    lua.lua_pop(L, 1)
    // beyond ±2^53 s the time is computed here in doubles: refused rather than rounded differently from C's time_t
    const local = (BigInt(daysFromCivil(year, month)) + BigInt(day) - 1n) * 86400n + BigInt(hour) * 3600n + BigInt(min) * 60n + BigInt(sec)
    if (local > EXACT_TIME || local < -EXACT_TIME) return raise(host.f, L, INEXACT_TIME)
    const run = host.current(L)
    const made = makeTime({ year, month, day, hour, min, sec, isdst }, guesses.get(run) ?? 0)
    if (made === null || made.tm.year - 1900 > INT_MAX || made.tm.year - 1900 < -INT_MAX - 1 || made.t === -1) {
      lua.lua_pushnil(L)
      return 1
    }
    guesses.set(run, made.guess)
    lua.lua_pushnumber(L, made.t)
    return 1
  }

  const date: LuaCFunction = (L) => {
    const fmt = lua.lua_type(L, 1) <= lua.LUA_TNIL ? internal.to_luastring('%c') : lauxlib.luaL_checkstring(L, 1)
    const t = lua.lua_type(L, 2) <= lua.LUA_TNIL ? now(L) : lauxlib.luaL_checkinteger(L, 2)
    const utc = fmt[0] === 33 /* ! */
    const s = utc ? fmt.subarray(1) : fmt
    const tm = breakDown(t, utc)
    // 5.1: gmtime/localtime fail (NULL) where the year does not fit C's int, and os.date answers nil
    if (lua51 && (tm.year - 1900 > INT_MAX || tm.year - 1900 < -INT_MAX - 1)) {
      lua.lua_pushnil(L)
      return 1
    }
    // strcmp(s, "*t"): C's string ends at a NUL
    if (s[0] === 42 /* * */ && s[1] === 116 /* t */ && (s.length === 2 || s[2] === 0)) {
      lua.lua_createtable(L, 0, 9)
      setAll(L, tm)
      return 1
    }
    // 5.1 reads the format as a C string
    return pushFormatted(L, lua51 && s.includes(0) ? s.subarray(0, s.indexOf(0)) : s, tm, t)
  }

  const pushFormatted = (L: LuaState, s: Uint8Array, tm: BrokenTime, t: number): number => {
    const { guards } = host.f
    const out = new ByteBuilder(s.length)
    let charged = 0
    let i = 0
    // one time, one text per specifier: converting each again (and joining a string per piece)
    // cost 10-27 µs a specifier, so ('%c'):rep(1e5) held the event loop for 1-2.7 s in one call
    const pieces = new Map<number | string, Uint8Array>()
    const zone = () => zoneName(t, tm.gmtoff)
    // a step per conversion and per byte written, as fengari's luaL_Buffer additions were counted
    while (i < s.length) {
      if (s[i] !== PERCENT) {
        let j = i
        while (j < s.length && s[j] !== PERCENT) j++
        guards.eachStep(L, j - i)
        out.add(s.subarray(i, j))
        i = j
        continue
      }
      // 5.1 checks nothing: '%' and the next character, or a final '%' as it is (os-strftime51.ts)
      const len = lua51 ? Math.min(1, s.length - i - 1) : specifierLength(s, i + 1)
      i++
      if (len === 0 && !lua51) return badSpecifier(L, s.subarray(i))
      const key = len === 1 ? (s[i] as number) : String.fromCharCode(...s.subarray(i, i + len))
      let piece = pieces.get(key)
      if (piece === undefined) {
        const spec = String.fromCharCode(...s.subarray(i, i + len))
        piece = Buffer.from(!lua51 ? convert(spec, tm, zone) : len === 0 ? '%' : convert51(spec, tm, zone), 'latin1')
        pieces.set(key, piece)
      }
      guards.eachStep(L, 1 + piece.length)
      out.add(piece)
      i += len
      if (out.length - charged >= CHARGE_EVERY) {
        guards.transient(L, 2 * out.length)
        charged = out.length
      }
    }
    guards.transient(L, 2 * out.length)
    internal.pushOwnedString(L, out.bytes())
    return 1
  }

  /** checkoption's error: C's `'%%%s'` of the format from the bad specifier on, up to a NUL. */
  const badSpecifier = (L: LuaState, rest: Uint8Array): never => {
    const end = rest.indexOf(0)
    const head = internal.to_luastring("invalid conversion specifier '%")
    const msg = new Uint8Array(head.length + (end < 0 ? rest.length : end) + 1)
    msg.set(head)
    msg.set(end < 0 ? rest : rest.subarray(0, end), head.length)
    msg[msg.length - 1] = 39 /* ' */
    return lauxlib.luaL_argerror(L, 1, msg)
  }

  const clock: LuaCFunction = (L) => {
    const run = host.current(L)
    const frozen = run.execution.init.security.policy.determinism.time === 'frozen'
    lua.lua_pushnumber(L, frozen ? 0 : (performance.now() - run.execution.startedAt) / 1000)
    return 1
  }

  return { time, date, clock }
}

/** A byte string built by appending, in a buffer that doubles. */
class ByteBuilder {
  length = 0
  private buf: Uint8Array

  constructor(hint: number) {
    this.buf = new Uint8Array(Math.max(16, Math.min(hint * 2, 1 << 16)))
  }

  add(piece: Uint8Array): void {
    const n = piece.length
    if (this.length + n > this.buf.length) {
      const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.length + n))
      bigger.set(this.buf.subarray(0, this.length))
      this.buf = bigger
    }
    // short pieces (most conversions) copy faster by hand than through TypedArray.set
    if (n < 32) for (let k = 0; k < n; k++) this.buf[this.length + k] = piece[k] as number
    else this.buf.set(piece, this.length)
    this.length += n
  }

  /** The bytes added, in an array of their own. */
  bytes(): Uint8Array {
    return this.length === this.buf.length ? this.buf : this.buf.slice(0, this.length)
  }
}
