import {
  arrayExtraKeys,
  CONTAINER_BYTES,
  type ConversionBudget,
  type ConverterRegistry,
  ENTRY_BYTES,
  formatValuePath,
  isPlainObject,
  readFailure,
} from '@polyhost/core/engine'

/** Most values plain data may cross as one JSON text: stringify and the guest's parse cannot
 * stop at the deadline (7 million numbers ran ~3 s past a 100 ms limit). */
const JSON_MAX_VALUES = 1 << 18

/** A host value as read once: a copy of its plain arrays and objects, everything else as it was. */
export interface HostRead {
  /** The copy: plain arrays and objects are new, other values are the originals, not yet looked into. */
  readonly value: unknown
  /** Whether JSON carries `value` exactly, so that `JSON.stringify(value)` is all of it. */
  readonly json: boolean
}

/**
 * Reads a host value (a call's result, a begin record) once, copying its plain arrays and
 * objects: a getter or Proxy trap runs once, and what it answered is what is checked and
 * sent, never a second answer (a function or a deeper array on a second read passed
 * unchecked when the check and JSON.stringify each read the value). The copy has no
 * `toJSON` but data and no prototype but the plain ones, so stringifying it runs no host code.
 *
 * What JSON cannot carry exactly (undefined, NaN, -0, Date, bytes, Maps, functions, custom
 * types, class instances) is kept as it is and not looked into; so is what lies beyond
 * `maxDepth`, a cycle's way back (as the copy made of it) and everything past
 * JSON_MAX_VALUES values: the exact path converts and checks those. The walk counts what
 * JSON will produce against `budget` before any of it is stringified. A getter or trap that
 * throws is a ConversionError naming the array or object being read (`$.g.x`), as the Lua
 * engine names it.
 */
export function readHostValue(
  root: unknown,
  maxDepth: number,
  converters: ConverterRegistry,
  budget: ConversionBudget | undefined,
): HostRead {
  const originals: object[] = []
  const copies: object[] = []
  // the path of the value being read, formatted only for an error
  const keys: (string | number)[] = []
  let values = 0
  let json = true
  const walk = (v: unknown): unknown => {
    // deadline checks as it goes; JSON_MAX_VALUES and more take the exact path, which checks too
    if (++values > JSON_MAX_VALUES) {
      json = false
      return v
    }
    budget?.tick()
    switch (typeof v) {
      case 'string':
        budget?.addString(v.length)
        return v
      case 'boolean':
        return v
      case 'number':
        if (!Number.isFinite(v) || Object.is(v, -0)) json = false
        return v
      case 'object':
        if (v === null) return v
        break
      default:
        json = false
        return v
    }
    const at = originals.indexOf(v)
    if (at >= 0 || originals.length >= maxDepth || converters.find(v)) {
      json = false
      return at >= 0 ? copies[at] : v
    }
    if (Array.isArray(v)) {
      const n = v.length
      // an array too long for JSON is left whole to the exact path (not copied first)
      if (Object.getPrototypeOf(v) !== Array.prototype || values + n > JSON_MAX_VALUES) return notJson(v)
      const out: unknown[] = []
      budget?.add(CONTAINER_BYTES + n * ENTRY_BYTES, 1 + n)
      enter(v, out)
      // a hole reads as undefined, which takes the exact path: it crosses as undefined there too
      for (let i = 0; i < n; i++) out.push(walkAt(i, v[i]))
      // own properties past the elements (`a.x = 1`) cross as structuredClone keeps them; JSON drops them
      for (const k of arrayExtraKeys(v)) {
        json = false
        budget?.add(k.length + ENTRY_BYTES, 1)
        Object.defineProperty(out, k, {
          value: walkAt(k, (v as unknown as Record<string, unknown>)[k]),
          enumerable: true,
          configurable: true,
          writable: true,
        })
      }
      return leave(out)
    }
    if (!isPlainObject(v)) return notJson(v)
    const out: Record<string, unknown> = {}
    enter(v, out)
    let bytes = 0
    for (const k of Object.keys(v)) {
      const item = walkAt(k, v[k])
      if (k === '__proto__') Object.defineProperty(out, k, { value: item, enumerable: true, configurable: true, writable: true })
      else out[k] = item
      bytes += k.length + ENTRY_BYTES
    }
    budget?.add(CONTAINER_BYTES + bytes, 1 + (bytes >>> 3))
    return leave(out)
  }
  // `item` was read at the parent's path (a getter there names the parent); it is walked at its own
  const walkAt = (key: string | number, item: unknown): unknown => {
    keys.push(key)
    const out = walk(item)
    keys.pop()
    return out
  }
  const notJson = (v: unknown): unknown => {
    json = false
    return v
  }
  const enter = (v: object, copy: object): void => {
    originals.push(v)
    copies.push(copy)
  }
  const leave = (copy: object): object => {
    originals.pop()
    copies.pop()
    return copy
  }
  try {
    return { value: walk(root), json }
  } catch (e) {
    throw readFailure(e, formatValuePath(keys))
  }
}

/** An array's elements, then its own properties past them. */
export function* withExtras(a: unknown[], extra: readonly string[]): Generator<[string | number, unknown]> {
  yield* a.entries()
  for (const k of extra) yield [k, (a as unknown as Record<string, unknown>)[k]]
}
