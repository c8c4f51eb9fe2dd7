import { types } from 'node:util'
import { ConversionError } from '../errors.js'
import { type BudgetOwner, CONTAINER_BYTES, ConversionBudget, ENTRY_BYTES } from '../values/budget.js'
import { ConverterRegistry } from '../values/converters.js'
import { formatValuePath, MAX_ENTRIES, RESULT_FUNCTION_REFUSED, readFailure } from '../values/guard.js'
import { classifyHostValue } from '../values/kinds.js'
import { arrayExtraKeys } from '../values/safe-object.js'

// worker mode refuses custom converters: what a worker converts is the default registry's
const DEFAULT_CONVERTERS = new ConverterRegistry()

/**
 * Reads `value` (a bridge result) once, as it will cross to a worker, and returns that read:
 * a copy of its arrays, plain objects and Maps (shared references and cycles kept, as clone
 * keeps them), byte arrays and Dates as they are (clone reads only their contents and time
 * value: a Date crosses as its time value, its own properties do not cross). A getter or
 * Proxy trap runs once here and what it answered is what is posted, never a second answer.
 *
 * The copy is counted as structured clone will copy it, against the execution's conversion
 * budget, before it is posted: clone keeps one copy of a shared object but copies a string
 * once per reference, so 250 references to one 1 MiB string are 250 MiB on the way. Over the
 * budget the execution trips `memory` (LimitExceededError); past the deadline, `timeout`. A
 * value an inline engine could not convert either (a function, a class instance, an object
 * with another prototype, a symbol) is the ConversionError an inline engine gives
 * (`$.a: cannot convert instance of K`): clone would copy a class instance's fields and the
 * worker would receive a plain object. A getter or trap that throws is the ConversionError an
 * inline engine gives for it, at its path (`$.a: the host value could not be read: …`).
 */
export function crossingCopy(value: unknown, owner: BudgetOwner, maxDepth: number): unknown {
  const budget = new ConversionBudget(owner)
  const copies = new Map<object, unknown>()
  // the path of the value being read, formatted only for an error (`$.a[3]`)
  const keys: (string | number)[] = []
  const at = (key: string | number, v: unknown): unknown => {
    keys.push(key)
    const out = walk(v)
    keys.pop()
    return out
  }
  // a getter or trap that throws: inline's words at its path (`$.a: the host value could not be read: …`)
  const walk = (v: unknown): unknown => {
    try {
      return read(v)
    } catch (e) {
      throw readFailure(e, formatValuePath(keys))
    }
  }
  const read = (v: unknown): unknown => {
    if (typeof v === 'string') {
      budget.addString(v.length)
      return v
    }
    if (typeof v === 'symbol') throw new ConversionError(formatValuePath(keys), 'cannot convert symbol')
    // before clone, which would refuse it less precisely: the reason inline engines give
    if (typeof v === 'function') throw new ConversionError(formatValuePath(keys), RESULT_FUNCTION_REFUSED)
    if (typeof v !== 'object' || v === null) return v
    const known = copies.get(v)
    if (known !== undefined) return known
    const kind = classifyHostValue(v, DEFAULT_CONVERTERS)
    // as an engine's converter says it, before clone overflows its stack on it
    if ((kind.kind === 'array' || kind.kind === 'object' || kind.kind === 'map') && keys.length >= maxDepth) {
      throw new ConversionError(formatValuePath(keys), `nesting deeper than ${maxDepth}`)
    }
    switch (kind.kind) {
      case 'unsupported':
        throw new ConversionError(formatValuePath(keys), `cannot convert ${kind.what}`)
      case 'bytes':
        budget.addString((v as ArrayBufferView | ArrayBuffer).byteLength)
        return v
      case 'array': {
        // refused and counted before it is copied: slicing a sparse `a[1e9] = 1` held the host thread for minutes
        const n = (v as unknown[]).length
        if (n > MAX_ENTRIES) throw new ConversionError(formatValuePath(keys), `${n} entries: more than ${MAX_ENTRIES} cannot cross`)
        budget.add(CONTAINER_BYTES + n * ENTRY_BYTES, 1 + n)
        const out = arrayCopy(v as unknown[], n)
        copies.set(v, out)
        for (let i = 0; i < out.length; i++) {
          const item = out[i]
          if (typeof item === 'object' ? item !== null : typeof item !== 'number' && typeof item !== 'boolean' && item !== undefined) {
            out[i] = at(i, item)
          }
        }
        // its own properties past the elements, which clone keeps and the engine carries
        for (const k of arrayExtraKeys(v as unknown[])) {
          budget.addString(k.length)
          Object.defineProperty(out, k, {
            value: at(k, (v as Record<string, unknown>)[k]),
            enumerable: true,
            configurable: true,
            writable: true,
          })
        }
        return out
      }
      case 'map': {
        const out = new Map<unknown, unknown>()
        copies.set(v, out)
        const entries = [...kind.map]
        budget.add(CONTAINER_BYTES + entries.length * 2 * ENTRY_BYTES, 1 + entries.length)
        for (const [k, item] of entries) out.set(walk(k), at(String(k), item))
        return out
      }
      case 'object': {
        const names = Object.keys(v)
        budget.add(CONTAINER_BYTES + names.length * ENTRY_BYTES, 1 + names.length)
        const out: Record<string, unknown> = {}
        copies.set(v, out)
        for (const k of names) {
          budget.addString(k.length)
          const item = at(k, (v as Record<string, unknown>)[k])
          if (k === '__proto__') Object.defineProperty(out, k, { value: item, enumerable: true, configurable: true, writable: true })
          else out[k] = item
        }
        return out
      }
      default:
        // a Date (the default registry's one custom type): clone carries its time value only
        return v
    }
  }
  return walk(value)
}

/**
 * A shallow copy of an array, each index read once. A real Array of the one Array prototype
 * is sliced (a copy clone sends as fast as the original: 6 million numbers); a Proxy, a
 * subclass or one with its own `constructor` (which slice would call) is copied index by
 * index up to `n`, the length read once before. Holes stay holes.
 */
function arrayCopy(a: unknown[], n: number): unknown[] {
  if (!types.isProxy(a) && Object.getPrototypeOf(a) === Array.prototype && !Object.hasOwn(a, 'constructor')) {
    return Array.prototype.slice.call(a)
  }
  const out: unknown[] = new Array(n)
  for (let i = 0; i < n; i++) if (i in a) out[i] = a[i]
  return out
}
