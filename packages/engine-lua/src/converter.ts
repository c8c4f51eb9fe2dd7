// Over 250 lines: one value model in both directions; they share the custom-type origins and the guard.
import {
  arrayExtraKeys,
  type BudgetOwner,
  ConversionBudget,
  ConversionGuard,
  type ConverterRegistry,
  type CustomType,
  classifyHostValue,
  dateType,
  fitsInteger,
  hasLoneSurrogate,
  sameData,
  setSafe,
} from '@polyhost/core/engine'
import type { Fengari, LuaCFunction, LuaState, LuaTable, TValue } from './fengari-api.js'
import { encodeLongString, isLongString } from './host-strings.js'
import { decodeLuaString } from './lua-strings.js'

/** Lua integers are exact doubles (fengari-numbers.ts): ±(2^53 − 1). */
export const LUA_INTEGER_RANGE: readonly [number, number] = [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]

/**
 * The value scripts see for a host `null` when `luaEngine({ nullValue: 'sentinel' })`: a light
 * userdata (as `cjson.null`), installed as the read-only global `null`; it converts back to
 * host `null`.
 */
export const LUA_NULL: object = Object.freeze({ polyhost: 'null' })

/** What the converter needs from the state it works in. */
export interface ConverterContext {
  readonly converters: ConverterRegistry
  readonly maxDepth: number
  /** Metatable that marks a table as an array (so an empty one comes back as `[]`). */
  readonly arrayMeta: () => LuaTable
  /** Wraps a host function as a Lua C function. */
  readonly hostFunction: (fn: (...args: unknown[]) => unknown) => LuaCFunction
  /** The execution running on the state, whose deadline and memory budget bound conversions. */
  readonly execution?: () => BudgetOwner | undefined
  /** Host `null` becomes {@link LUA_NULL} (not nil) inside arrays, objects and globals. */
  readonly nullSentinel?: boolean
}

/** A Lua object made by a custom type: its type and the data `toScript` gave the script. */
interface CustomOrigin {
  readonly type: CustomType
  readonly sent: unknown
}

const UNPAIRED = 'a string with an unpaired surrogate has no UTF-8 form for Lua'

/**
 * Converts values between the host and one fengari state (docs/architecture.md, "The value
 * model").  Custom-type values are remembered by the identity of the Lua object made for
 * them (a TString or a table) with the data sent, so a value the script hands back unchanged
 * is rebuilt by the type's `fromScript`; one the script modified or made is plain data.
 * Every conversion runs under the execution's deadline and memory budget (ConversionBudget).
 */
export class LuaConverter {
  /** Lua objects made by custom types during this execution → their origin. */
  private custom = new Map<unknown, CustomOrigin>()
  /** Tables made from host arrays with a hole (null/undefined) → the array's length. */
  private lengths = new WeakMap<LuaTable, number>()

  constructor(
    private readonly f: Fengari,
    private readonly ctx: ConverterContext,
  ) {}

  /** Forgets custom-type identities (between executions). */
  clear(): void {
    if (this.custom.size) this.custom = new Map()
    this.lengths = new WeakMap()
  }

  /**
   * A guard for one conversion (a result, a thrown value, a call's arguments): depth, cycles,
   * and the running execution's budget. Share it across the values of one conversion.
   */
  guard(dataOnly = false): ConversionGuard {
    const owner = this.ctx.execution?.()
    return new ConversionGuard(this.ctx.maxDepth, owner ? new ConversionBudget(owner) : undefined, dataOnly)
  }

  /**
   * Pushes a host value onto `L`'s stack. Throws ConversionError (a host getter or trap
   * that threw becomes one, its text sanitised) or LimitExceededError; nothing is pushed.
   */
  push(L: LuaState, value: unknown, guard = this.guard()): void {
    const top = L.top
    try {
      this.pushValue(L, value, guard, undefined)
    } catch (e) {
      this.f.lua.lua_settop(L, this.f.lua.lua_gettop(L) - (L.top - top))
      throw guard.failure(e)
    }
  }

  /**
   * Pushes a call's result (a bridge's or a host function's): data only, a host function
   * anywhere in it is a ConversionError, as `push` reports others.
   */
  pushResult(L: LuaState, value: unknown): void {
    this.push(L, value, this.guard(true))
  }

  /** Pushes the value of a global: errors name it (`$.name.x`). */
  pushGlobal(L: LuaState, name: string, value: unknown, guard = this.guard()): void {
    guard.push(name)
    try {
      this.push(L, value, guard)
    } finally {
      guard.pop()
    }
  }

  /** Reads the value at `idx` of `L` as a host value. Throws ConversionError or LimitExceededError. */
  read(L: LuaState, idx: number, guard = this.guard()): unknown {
    const { lua } = this.f
    return this.readValue(L, lua.lua_absindex(L, idx), guard, undefined)
  }

  // --- internal ---

  private pushValue(L: LuaState, v: unknown, guard: ConversionGuard, key: string | number | undefined): void {
    const { lua } = this.f
    // every value is a unit of work: the deadline is checked every so many, so an array of
    // millions of numbers (which add no bytes of their own) cannot hold the thread past it
    guard.entry()
    let k: ReturnType<typeof classifyHostValue>
    let entries: [unknown, unknown][] | undefined
    try {
      k = classifyHostValue(v, this.ctx.converters)
      if (k.kind === 'map') entries = [...k.map.entries()]
      else if (k.kind === 'object') entries = ownEntries(v as object, guard)
    } catch (e) {
      // a getter or trap of this object threw: the error names it (`$.g.x`), as the JS engine does
      throw this.readError(guard, key, e)
    }
    lua.lua_checkstack(L, 4)
    switch (k.kind) {
      case 'nil':
        if (v === null && this.ctx.nullSentinel) lua.lua_pushlightuserdata(L, LUA_NULL)
        else lua.lua_pushnil(L)
        return
      case 'boolean':
        lua.lua_pushboolean(L, v as boolean)
        return
      case 'string': {
        const s = v as string
        if (isLongString(s)) {
          const bytes = encodeLongString(s, guard)
          if (!bytes) throw this.leafError(guard, key, UNPAIRED)
          this.f.internal.pushOwnedString(L, bytes)
          return
        }
        if (hasLoneSurrogate(s)) throw this.leafError(guard, key, UNPAIRED)
        guard.string(s.length)
        lua.lua_pushstring(L, s)
        return
      }
      case 'number': {
        const n = v as number
        if (fitsInteger(n, LUA_INTEGER_RANGE)) lua.lua_pushinteger(L, n)
        else lua.lua_pushnumber(L, n)
        return
      }
      case 'bigint': {
        const b = v as bigint
        if (b < BigInt(LUA_INTEGER_RANGE[0]) || b > BigInt(LUA_INTEGER_RANGE[1]))
          throw this.leafError(guard, key, 'bigint outside the Lua integer range ±(2^53 − 1)')
        lua.lua_pushinteger(L, Number(b))
        return
      }
      case 'bytes':
        guard.string(k.bytes.byteLength)
        this.f.internal.pushOwnedString(L, new Uint8Array(k.bytes)) // a copy: Buffer#slice would share
        return
      case 'function':
        lua.lua_pushjsfunction(L, this.ctx.hostFunction(guard.allowFunction(v as (...args: unknown[]) => unknown, key)))
        return
      case 'custom': {
        // a level of its own, as in the JS engine: a toScript that returns its input (or data
        // holding it) is a cycle at this path, not a recursion until the host stack overflows
        const level = k.type !== dateType
        if (level) guard.enter(v as object, key)
        const sent = k.type.toScript(v)
        this.pushValue(L, sent, guard, level ? undefined : key)
        if (level) guard.leave(key !== undefined)
        this.custom.set(slot(L, -1).value, { type: k.type, sent })
        return
      }
      case 'array': {
        const a = v as unknown[]
        // a sequence table has no place for own properties past the elements (they were dropped)
        const extra = arrayExtraKeys(a)
          .slice(0, 3)
          .map((k) => JSON.stringify(k))
        if (extra.length) throw this.leafError(guard, key, `an array with own properties (${extra.join(', ')}) cannot cross to Lua`)
        guard.enter(a, key, a.length)
        lua.lua_createtable(L, a.length, 0)
        let holes = false
        for (let i = 0; i < a.length; i++) {
          this.pushValue(L, a[i], guard, i)
          if (lua.lua_type(L, -1) === lua.LUA_TNIL) {
            holes = true
            lua.lua_pop(L, 1)
          } else lua.lua_rawseti(L, -2, i + 1)
        }
        if (a.length === 0) this.markArray(L)
        // its shape: the table comes back as an array of at least this length (nulls kept)
        if (holes) this.lengths.set(slot(L, -1).value as LuaTable, a.length)
        guard.leave(key !== undefined)
        return
      }
      case 'object':
      case 'map': {
        const all = entries as [unknown, unknown][]
        guard.enter(v as object, key, all.length)
        lua.lua_createtable(L, 0, all.length)
        for (const [name, item] of all) {
          if (typeof name !== 'string') throw this.leafError(guard, String(name), 'Map keys must be strings')
          if (hasLoneSurrogate(name)) throw this.leafError(guard, name, `key: ${UNPAIRED}`)
          if (item === undefined) continue
          this.pushValue(L, item, guard, name)
          lua.lua_setfield(L, -2, name)
        }
        guard.leave(key !== undefined)
        return
      }
      case 'unsupported':
        throw this.leafError(guard, key, `cannot convert ${k.what}`)
    }
  }

  private readValue(L: LuaState, idx: number, guard: ConversionGuard, key: string | number | undefined): unknown {
    const { lua } = this.f
    guard.entry()
    const t = lua.lua_type(L, idx)
    if (t === lua.LUA_TNIL || t === lua.LUA_TNONE) return null
    if (t === lua.LUA_TBOOLEAN) return lua.lua_toboolean(L, idx)
    if (t === lua.LUA_TNUMBER) return lua.lua_tonumber(L, idx)
    if (t === lua.LUA_TLIGHTUSERDATA && lua.lua_touserdata(L, idx) === LUA_NULL) return null
    const origin = this.custom.size ? this.custom.get(slot(L, idx).value) : undefined
    if (t === lua.LUA_TSTRING) {
      const bytes = lua.lua_tolstring(L, idx) as Uint8Array
      guard.string(bytes.length)
      const s = decodeLuaString(bytes)
      return origin ? this.rebuild(origin, s) : s
    }
    if (t !== lua.LUA_TTABLE) throw this.leafError(guard, key, `cannot convert a Lua ${typeName(lua, t)} to a host value`)
    const table = slot(L, idx).value as LuaTable
    guard.enter(table, key, table.strong.size)
    const out = this.readTable(L, idx, table, guard)
    guard.leave(key !== undefined)
    return origin ? this.rebuild(origin, out) : out
  }

  /** A custom value comes back as itself only if the script left its data as it was sent. */
  private rebuild(origin: CustomOrigin, read: unknown): unknown {
    return sameData(read, origin.sent) ? origin.type.fromScript(read) : read
  }

  private readTable(L: LuaState, idx: number, table: LuaTable, guard: ConversionGuard): unknown {
    const { lua } = this.f
    const n = table.strong.size
    lua.lua_checkstack(L, 4)
    const length = this.lengths.get(table)
    if (length !== undefined) {
      const arr = this.readShaped(L, idx, length, n, guard)
      if (arr) return arr
    }
    if (n === 0) return table.metatable === this.ctx.arrayMeta() ? [] : {}
    if (lua.lua_rawlen(L, idx) === n) {
      // n entries and a border at n: an array exactly when every key 1..n is present
      const arr = new Array<unknown>(n)
      let i = 1
      for (; i <= n; i++) {
        if (lua.lua_rawgeti(L, idx, i) === lua.LUA_TNIL) break
        arr[i - 1] = this.readValue(L, lua.lua_gettop(L), guard, i - 1)
        lua.lua_pop(L, 1)
      }
      if (i > n) return arr
      lua.lua_pop(L, 1)
    }
    const obj: Record<string, unknown> = {}
    // a number key and a string key can name the same host key (1 and '1'): only a table
    // that has both kinds is checked, so that one of them never silently replaces the other
    let numbers = false
    let strings = false
    lua.lua_pushnil(L)
    while (lua.lua_next(L, idx) !== 0) {
      const kt = lua.lua_type(L, -2)
      let name: string
      if (kt === lua.LUA_TSTRING) {
        const bytes = lua.lua_tolstring(L, -2) as Uint8Array
        guard.string(bytes.length)
        const k = decodeLuaString(bytes)
        if (typeof k !== 'string') throw this.leafError(guard, '?', 'table keys must be valid UTF-8')
        name = k
        strings = true
      } else if (kt === lua.LUA_TNUMBER) {
        name = String(lua.lua_tonumber(L, -2))
        numbers = true
      } else {
        lua.lua_pop(L, 2)
        throw this.leafError(guard, '?', `table keys must be strings or numbers, found ${typeName(lua, kt)}`)
      }
      if (numbers && strings && Object.hasOwn(obj, name)) {
        lua.lua_pop(L, 2)
        throw this.leafError(guard, name, `the number key ${name} and the string key "${name}" are both in the table`)
      }
      setSafe(obj, name, this.readValue(L, lua.lua_gettop(L), guard, name))
      lua.lua_pop(L, 1)
    }
    return obj
  }

  /**
   * A table made from a host array with holes: an array again (holes as null) when every key
   * is an integer in 1..(its length + its entries), so edits and appends keep the shape; a
   * key beyond that, or any other key, makes it an object as for any table.
   */
  private readShaped(L: LuaState, idx: number, length: number, n: number, guard: ConversionGuard): unknown[] | undefined {
    const { lua } = this.f
    let last = length
    lua.lua_pushnil(L)
    while (lua.lua_next(L, idx) !== 0) {
      const k = lua.lua_isinteger(L, -2) ? (lua.lua_tointegerx(L, -2) as number) : 0
      lua.lua_pop(L, 1)
      if (k < 1 || k > length + n) {
        lua.lua_pop(L, 1)
        return undefined
      }
      if (k > last) last = k
    }
    const arr = new Array<unknown>(last).fill(null)
    for (let i = 1; i <= last; i++) {
      if (lua.lua_rawgeti(L, idx, i) !== lua.LUA_TNIL) arr[i - 1] = this.readValue(L, lua.lua_gettop(L), guard, i - 1)
      lua.lua_pop(L, 1)
    }
    return arr
  }

  private markArray(L: LuaState): void {
    const t = slot(L, -1).value as LuaTable
    t.metatable = this.ctx.arrayMeta()
  }

  /** What a getter or trap that threw while the value at `key` was read becomes (readFailure there). */
  private readError(guard: ConversionGuard, key: string | number | undefined, e: unknown) {
    if (key !== undefined) guard.push(key)
    const failure = guard.failure(e)
    if (key !== undefined) guard.pop()
    return failure
  }

  private leafError(guard: ConversionGuard, key: string | number | undefined, reason: string) {
    if (key !== undefined) guard.push(key)
    const e = guard.error(reason)
    if (key !== undefined) guard.pop()
    return e
  }
}

/**
 * `Object.entries(o)`, with the deadline checked as its values are read: V8's own
 * `Object.entries` of an object in dictionary mode is one uninterruptible call about five
 * times slower than `Object.keys` (a million keys: 5.5 s against 0.9 s), so a host global of
 * a million keys held the execution seconds past its timeout before a single entry was
 * converted. The same traps run as for `Object.entries` (`ownKeys`, then each key's
 * descriptor and value); a value a getter deleted meanwhile reads as undefined and is skipped.
 */
function ownEntries(o: object, guard: ConversionGuard): [string, unknown][] {
  const keys = Object.keys(o)
  const out = new Array<[string, unknown]>(keys.length)
  for (let i = 0; i < keys.length; i++) {
    guard.entry()
    const k = keys[i] as string
    out[i] = [k, (o as Record<string, unknown>)[k]]
  }
  return out
}

/** The TValue at a stack index of `L` (positive: frame-relative, negative: from the top). */
export function slot(L: LuaState, idx: number): TValue {
  return (idx > 0 ? L.stack[L.ci.funcOff + idx] : L.stack[L.top + idx]) as TValue
}

// --- internal ---

function typeName(lua: Fengari['lua'], t: number): string {
  if (t === lua.LUA_TFUNCTION) return 'function'
  if (t === lua.LUA_TTHREAD) return 'thread (coroutine)'
  if (t === lua.LUA_TUSERDATA || t === lua.LUA_TLIGHTUSERDATA) return 'userdata'
  if (t === lua.LUA_TTABLE) return 'table'
  if (t === lua.LUA_TSTRING) return 'string'
  if (t === lua.LUA_TBOOLEAN) return 'boolean'
  return 'value'
}
