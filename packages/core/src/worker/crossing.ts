import { ConversionError, isFatal } from '../errors.js'
import { type BudgetOwner, CONTAINER_BYTES, ConversionBudget, ENTRY_BYTES } from '../values/budget.js'
import { ConverterRegistry } from '../values/converters.js'
import { formatValuePath, RESULT_FUNCTION_REFUSED } from '../values/guard.js'
import { classifyHostValue } from '../values/kinds.js'

// worker mode refuses custom converters: what a worker converts is the default registry's
const DEFAULT_CONVERTERS = new ConverterRegistry()

/**
 * Counts what structured clone would copy to a worker for `value` (a bridge result) against
 * the execution's conversion budget, before it is posted: clone keeps one copy of a shared
 * object but copies a string once per reference, so 250 references to one 1 MiB string are
 * 250 MiB on the way. Over the budget the execution trips `memory` (LimitExceededError);
 * past the deadline, `timeout`. A value an inline engine could not convert either (a class
 * instance, an object with another prototype, a symbol) is the ConversionError an inline engine
 * gives (`$.a: cannot convert instance of K`): clone would copy its own fields and the worker
 * would receive a plain object. A value clone refuses otherwise is left for clone to report.
 */
export function checkCrossing(value: unknown, owner: BudgetOwner): void {
  const budget = new ConversionBudget(owner)
  const seen = new Set<object>()
  const walk = (v: unknown, path: string): void => {
    if (typeof v === 'string') {
      budget.addString(v.length)
      return
    }
    if (typeof v === 'symbol') throw new ConversionError(path, 'cannot convert symbol')
    // before clone, which would refuse it less precisely: the reason inline engines give
    if (typeof v === 'function') throw new ConversionError(path, RESULT_FUNCTION_REFUSED)
    if (typeof v !== 'object' || v === null || seen.has(v)) return
    seen.add(v)
    const kind = classifyHostValue(v, DEFAULT_CONVERTERS)
    if (kind.kind === 'unsupported') throw new ConversionError(path, `cannot convert ${kind.what}`)
    if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) {
      budget.addString(v.byteLength)
    } else if (Array.isArray(v)) {
      budget.add(CONTAINER_BYTES + v.length * ENTRY_BYTES, 1 + v.length)
      for (let i = 0; i < v.length; i++) walk(v[i], `${path}[${i}]`)
    } else if (v instanceof Map) {
      budget.add(CONTAINER_BYTES + v.size * 2 * ENTRY_BYTES, 1 + v.size)
      for (const [k, item] of v) {
        walk(k, path)
        walk(item, `${path}${formatValuePath([String(k)]).slice(1)}`)
      }
    } else {
      const keys = Object.keys(v)
      budget.add(CONTAINER_BYTES + keys.length * ENTRY_BYTES, 1 + keys.length)
      for (const k of keys) {
        budget.addString(k.length)
        // named as the engines' ConversionGuard names it (`$.a`, `$["x y"]`)
        walk((v as Record<string, unknown>)[k], `${path}${formatValuePath([k]).slice(1)}`)
      }
    }
  }
  try {
    walk(value, '$')
  } catch (e) {
    // a getter or trap that throws, or nesting too deep to walk: clone will report it
    if (isFatal(e) || e instanceof ConversionError) throw e
  }
}
