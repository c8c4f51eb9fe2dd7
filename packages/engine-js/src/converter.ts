// Over 250 lines: one value model in both directions; they share the custom-type origins and the guard.
import {
  arrayExtraKeys,
  type BudgetOwner,
  ConversionBudget,
  CONTAINER_BYTES,
  ConversionGuard,
  type ConverterRegistry,
  type CustomType,
  classifyHostValue,
  dateType,
  ENTRY_BYTES,
  hasLoneSurrogate,
  isPlainObject,
  sameData,
  setSafe,
} from '@polyhost/core/engine'
import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten-core'
import { consume } from './consume.js'
import { NOT_SIMPLE } from './direct-ffi.js'
import { readHostValue, withExtras } from './host-read.js'
import { guestStringLength, readGuestString, unsafeKey } from './string-read.js'
import type { HelperName } from './helpers.js'

export { guestStringLength, readGuestString }

/** What the converter needs from its state: the context, the guest helpers and hooks. */
export interface ConverterHost {
  readonly ctx: QuickJSContext
  readonly converters: ConverterRegistry
  readonly maxDepth: number
  /** Calls a guest helper; throws (fatal or ConversionError-worthy) if it threw. */
  call(helper: HelperName, ...args: QuickJSHandle[]): QuickJSHandle
  /** A number, boolean, null or undefined read without calls into the VM, else NOT_SIMPLE. */
  simple(h: QuickJSHandle): unknown
  /** `ctx.newString` for a string without NUL characters, by the fastest path. */
  newString(s: string): QuickJSHandle
  /** Wraps a host function for the guest (bridge semantics: validation-free, counted). */
  hostFunction(fn: (...args: unknown[]) => unknown): QuickJSHandle
  /** The execution running on the state, whose deadline and memory budget bound conversions. */
  readonly execution?: BudgetOwner | undefined
}

/** A value made by a custom type: its type and the data `toScript` gave the script. */
interface CustomOrigin {
  readonly type: CustomType
  readonly sent: unknown
}

/**
 * Converts values between the host and one QuickJS context per the value model (docs/architecture.md). Plain
 * data (the common case) crosses as one JSON string in either direction, about twice as
 * fast as building handle trees; anything JSON cannot carry exactly (undefined, NaN, -0,
 * BigInt, Uint8Array, Date, functions, custom types, cycles, depth), and a result whose JSON
 * text would pass JSON_TEXT_STEP (its escapes counted), takes the exact path.
 * Both run under the execution's deadline and memory budget (ConversionBudget): every copy
 * of a repeated reference counts. A custom value comes back rebuilt only if the script left
 * the data it was sent unchanged.
 */
export class Converter {
  /** Custom values sent during this execution, by the id their guest tag carries. */
  private custom: CustomOrigin[] = []

  constructor(private readonly host: ConverterHost) {}

  /** Forgets custom-type origins (between executions). */
  clear(): void {
    if (this.custom.length) this.custom = []
  }

  /** Host → guest for a call's result: data only (see `allowFunction`). The caller disposes the handle. */
  toGuest(value: unknown): QuickJSHandle {
    let guard = this.guard(this.host.maxDepth, true)
    try {
      if (value === null || typeof value !== 'object') return this.build(value, guard, undefined)
      // read once (readHostValue): what is checked and converted is that read, never a second one
      const read = readHostValue(value, this.host.maxDepth, this.host.converters, guard.budget)
      if (read.json) return this.fromJson(JSON.stringify(read.value))
      guard = this.guard(this.host.maxDepth, true)
      return this.build(read.value, guard, undefined)
    } catch (e) {
      // a host getter or trap that threw: a ConversionError at its path, its text sanitised
      throw guard.failure(e)
    }
  }

  /**
   * Host → guest for `begin`: a JSON string the guest parses itself when plain, else the exact
   * handle (saves a call). As the Lua engine counts them, `context` (`whole`) is one value, its
   * own first level; the globals record only holds its values, each with the full depth.
   */
  toGuestOrJson(record: object, whole = false): QuickJSHandle {
    const { maxDepth } = this.host
    let guard = this.guard(maxDepth)
    try {
      const read = readHostValue(record, whole ? maxDepth : maxDepth + 1, this.host.converters, guard.budget)
      if (read.json) return this.host.newString(JSON.stringify(read.value))
      guard = this.guard(maxDepth)
      if (whole || !isPlainObject(read.value)) return this.build(read.value, guard, undefined)
      // the record is not a level: the guard's depth (and its `nesting deeper than N`) starts below it
      const entries = Object.entries(read.value)
      guard.budget?.add(CONTAINER_BYTES + entries.length * ENTRY_BYTES, 1 + entries.length)
      return this.container(read.value, guard, undefined, this.host.ctx.newObject(), entries, entries.length, false)
    } catch (e) {
      throw guard.failure(e)
    }
  }

  /** Guest → host. Does not dispose `handle`. Throws ConversionError or LimitExceededError. */
  toHost(handle: QuickJSHandle): unknown {
    return this.read(handle, this.guard(this.host.maxDepth), [], undefined, true)
  }

  // --- internal ---

  private guard(maxDepth: number, dataOnly = false): ConversionGuard {
    const owner = this.host.execution
    return new ConversionGuard(maxDepth, owner ? new ConversionBudget(owner) : undefined, dataOnly)
  }

  private build(v: unknown, guard: ConversionGuard, key: string | number | undefined): QuickJSHandle {
    const { ctx, converters } = this.host
    guard.entry()
    switch (typeof v) {
      case 'undefined':
        return ctx.undefined
      case 'boolean':
        return v ? ctx.true : ctx.false
      case 'number':
        return ctx.newNumber(v)
      case 'string':
        guard.string(v.length)
        return this.string(v)
      case 'bigint': {
        // hexadecimal both ways: QuickJS's decimal conversions are quadratic and uninterrupted
        const hex = (v < 0n ? -v : v).toString(16)
        guard.string(hex.length)
        return consume(this.host.newString(hex), (h) => this.host.call('newBig', h, v < 0n ? ctx.true : ctx.false))
      }
    }
    if (v === null) return ctx.null
    const kind = classifyHostValue(v, converters)
    switch (kind.kind) {
      case 'function':
        return this.host.hostFunction(guard.allowFunction(v as (...args: unknown[]) => unknown, key))
      case 'bytes': {
        const b = kind.bytes
        guard.string(b.byteLength)
        const copy = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer
        return consume(ctx.newArrayBuffer(copy), (ab) => this.host.call('newBytes', ab))
      }
      case 'custom': {
        if (kind.type === dateType) {
          return consume(ctx.newNumber((v as Date).getTime()), (ms) => this.host.call('newDate', ms))
        }
        guard.enter(v as object, key)
        const sent = kind.type.toScript(v)
        const inner = this.build(sent, guard, undefined)
        guard.leave(key !== undefined)
        if (ctx.typeof(inner) !== 'object' || ctx.sameValue(inner, ctx.null)) return inner
        // the tag carries the origin's id: what was sent is compared with what comes back
        const tag = `${this.custom.push({ type: kind.type, sent }) - 1}:${kind.type.name}`
        return consume(inner, (h) => consume(ctx.newString(tag), (name) => this.host.call('tag', h, name)))
      }
      case 'array': {
        // an array's own properties past its elements cross too, as structuredClone keeps them
        const a = v as unknown[]
        const extra = arrayExtraKeys(a)
        const entries = extra.length ? withExtras(a, extra) : a.entries()
        return this.container(a, guard, key, ctx.newArray(), entries, a.length + extra.length)
      }
      case 'object': {
        const entries = Object.entries(v as object)
        return this.container(v as object, guard, key, ctx.newObject(), entries, entries.length)
      }
      case 'map': {
        for (const k of kind.map.keys()) {
          if (typeof k !== 'string') throw guard.error('Map keys must be strings', key, String(k)) // `$.g["1"]`
        }
        const entries = kind.map.entries() as Iterable<[string, unknown]>
        return this.container(v as object, guard, key, ctx.newObject(), entries, kind.map.size)
      }
      default:
        // a leaf: its key is on the path only now (containers enter theirs)
        return this.fail(guard, key, kind.kind === 'unsupported' ? `cannot convert ${kind.what}` : `cannot convert ${kind.kind}`)
    }
  }

  private container(
    v: object,
    guard: ConversionGuard,
    key: string | number | undefined,
    target: QuickJSHandle,
    entries: Iterable<[string | number, unknown]>,
    count: number,
    level = true,
  ): QuickJSHandle {
    const { ctx } = this.host
    try {
      if (level) guard.enter(v, key, count)
      for (const [k, item] of entries) {
        const h = this.build(item, guard, k)
        try {
          if (k === '__proto__') ctx.defineProp(target, k, { value: h, configurable: true, enumerable: true })
          else if (unsafeKey(k)) consume(this.string(k), (key) => ctx.setProp(target, key, h))
          else ctx.setProp(target, k, h)
        } finally {
          h.dispose()
        }
      }
      if (level) guard.leave(key !== undefined)
      return target
    } catch (e) {
      target.dispose()
      throw e
    }
  }

  private read(
    h: QuickJSHandle,
    guard: ConversionGuard,
    stack: QuickJSHandle[],
    key: string | number | undefined,
    tags: boolean,
    copied = false,
  ): unknown {
    const { ctx } = this.host
    const simple = this.host.simple(h)
    if (simple !== NOT_SIMPLE) return simple
    switch (ctx.typeof(h)) {
      case 'undefined':
        return undefined
      case 'boolean':
        return ctx.sameValue(h, ctx.true)
      case 'number':
        return ctx.getNumber(h)
      case 'string':
        return this.readString(h, guard)
      case 'bigint': {
        const hex = consume(this.host.call('bigHex', h), (x) => this.readString(x, guard))
        return hex[0] === '-' ? -BigInt(`0x${hex.slice(1)}`) : BigInt(`0x${hex}`)
      }
      case 'object':
        break
      default:
        return this.fail(guard, key, `${ctx.typeof(h)} values cannot cross to the host`)
    }
    if (ctx.sameValue(h, ctx.null)) return null
    if (tags && stack.length === 0 && !copied) {
      // JSON text, or [a copy read once] for the exact path (plainJson)
      const json = consume(ctx.newNumber(this.host.maxDepth), (max) =>
        consume(ctx.newNumber(JSON_TEXT_STEP), (limit) => this.host.call('plainJson', h, max, limit)),
      )
      const type = ctx.typeof(json)
      if (type === 'string') return JSON.parse(consume(json, (j) => this.jsonText(j, guard)))
      if (type === 'object') return consume(json, (j) => consume(ctx.getProp(j, 0), (c) => this.read(c, guard, stack, key, tags, true)))
      json.dispose()
    }
    const kind = this.host.call('kind', h, tags ? ctx.false : ctx.true).consume((k) => ctx.getNumber(k))
    switch (kind) {
      case 0:
      case 1:
        return this.readContainer(h, guard, stack, key, kind === 1)
      case 2:
      case 6: {
        const bytes = this.host.call('bytes', h)
        if (ctx.typeof(bytes) !== 'object') {
          bytes.dispose()
          return this.fail(guard, key, 'a detached ArrayBuffer cannot cross')
        }
        // counted before the copy: every reference to one buffer is a copy of its bytes
        return consume(bytes, (b) =>
          consume(ctx.getArrayBuffer(b), (view) => {
            guard.string(view.value.byteLength)
            return new Uint8Array(view.value)
          }),
        )
      }
      case 3:
        return new Date(this.host.call('dateMs', h).consume((ms) => ctx.getNumber(ms)))
      case 4: {
        const tag = this.host.call('tagOf', h).consume((n) => ctx.getString(n))
        const origin = this.custom[Number.parseInt(tag, 10)]
        const raw = this.read(h, guard, stack, key, false)
        // rebuilt only from data the script left as it was sent (and while the type is registered)
        const live = origin && tag.endsWith(`:${origin.type.name}`) && this.host.converters.get(origin.type.name) === origin.type
        return live && sameData(raw, origin.sent) ? origin.type.fromScript(raw) : raw
      }
      case 5: {
        const obj = this.host.call('mapObject', h)
        if (ctx.typeof(obj) !== 'object') {
          obj.dispose()
          return this.fail(guard, key, 'Map keys must be strings')
        }
        return consume(obj, (o) => this.readContainer(o, guard, stack, key, false))
      }
      case 9: {
        const name = this.host.call('className', h).consume((n) => ctx.getString(n))
        const keys = JSON.parse(this.host.call('keysJson', h).consume((k) => ctx.getString(k))) as string[]
        const listed = keys.slice(0, 3).map((k) => JSON.stringify(k.slice(0, 64)))
        return this.fail(
          guard,
          key,
          `${/^[aeiou]/i.test(name) ? 'an' : 'a'} ${name} with own properties (${listed.join(', ')}${keys.length > 3 ? ', …' : ''}) cannot cross to the host`,
        )
      }
      default: {
        const name = this.host.call('className', h).consume((n) => ctx.getString(n))
        return this.fail(guard, key, `instance of ${name} cannot cross to the host`)
      }
    }
  }

  private readContainer(
    h: QuickJSHandle,
    guard: ConversionGuard,
    stack: QuickJSHandle[],
    key: string | number | undefined,
    array: boolean,
  ) {
    const { ctx } = this.host
    const out: unknown[] | Record<string, unknown> = array ? [] : {}
    // not ctx.getLength: its cached out-pointer view goes stale once the heap has grown
    const n = array ? ctx.getProp(h, 'length').consume((l) => ctx.getNumber(l)) : 0
    const keysOf = () => JSON.parse(this.host.call('keysJson', h).consume((k) => ctx.getString(k))) as string[]
    let keys = array ? [] : keysOf()
    guard.enter(out, key, array ? n : keys.length)
    // an array's keys past its elements cross as its own properties, as structuredClone keeps them
    if (array) keys = keysOf()
    if (stack.some((a) => ctx.sameValue(a, h))) throw guard.error('cycle detected')
    stack.push(h)
    if (array) {
      for (let i = 0; i < n; i++) {
        guard.entry()
        ;(out as unknown[]).push(consume(ctx.getProp(h, i), (c) => this.read(c, guard, stack, i, true)))
      }
    }
    for (const k of keys) {
      guard.entry()
      guard.string(k.length)
      const prop = unsafeKey(k) ? consume(this.string(k), (key) => ctx.getProp(h, key)) : ctx.getProp(h, k)
      const value = consume(prop, (c) => (this.readThrough(h, k, c) ? DELETED : this.read(c, guard, stack, k, true)))
      if (value !== DELETED) setSafe(out as Record<string, unknown>, k, value)
    }
    stack.pop()
    guard.leave(key !== undefined)
    return out
  }

  /**
   * Whether `k`, listed before a getter deleted it, read through the prototype (undefined, a
   * method, for `__proto__` the prototype): skipped, as structuredClone and the guest's copy skip it.
   */
  private readThrough(h: QuickJSHandle, k: string, c: QuickJSHandle): boolean {
    const { ctx } = this.host
    const simple = k === '__proto__' ? undefined : this.host.simple(c)
    if (simple !== undefined && (simple !== NOT_SIMPLE || !['undefined', 'function'].includes(ctx.typeof(c)))) return false
    const owns = consume(this.string(k), (key) => this.host.call('owns', h, key))
    return consume(owns, (o) => !ctx.sameValue(o, ctx.true))
  }

  /**
   * Strings cross as UTF-8 C strings: one with NUL (which would end it) or with a lone
   * surrogate (which UTF-8 cannot carry) goes through JSON, which escapes both.
   */
  private string(v: string): QuickJSHandle {
    if (!v.includes('\0') && !hasLoneSurrogate(v)) return this.host.newString(v)
    return this.fromJson(JSON.stringify(v))
  }

  /** The guest value JSON text describes, parsed inside the VM. */
  private fromJson(json: string): QuickJSHandle {
    return consume(this.host.newString(json), (s) => this.host.call('parse', s))
  }

  /** A JSON text made by the guest, counted against the budget before it is copied out. */
  private jsonText(j: QuickJSHandle, guard: ConversionGuard): string {
    if (guard.budget) guard.string(this.host.ctx.getProp(j, 'length').consume((l) => this.host.ctx.getNumber(l)))
    return this.host.ctx.getString(j)
  }

  private readString(h: QuickJSHandle, guard: ConversionGuard): string {
    const length = guestStringLength(this.host, h)
    guard.string(length)
    return readGuestString(this.host, h, length, guard.budget)
  }

  private fail(guard: ConversionGuard, key: string | number | undefined, reason: string): never {
    if (key !== undefined) guard.push(key)
    throw guard.error(reason)
  }
}

/**
 * The most JSON text (UTF-16 units, escapes counted at their width) a result may cross as in one step:
 * JSON.stringify is not interrupted, so a bigger value takes the exact path, which checks the deadline.
 */
const JSON_TEXT_STEP = 1 << 22
/** What readContainer reads for a key a getter deleted (readThrough): nothing crosses for it. */
const DELETED: unique symbol = Symbol('deleted')
