import { isFatal } from '../errors.js'
import { type BudgetOwner, CONTAINER_BYTES, ConversionBudget, ENTRY_BYTES } from '../values/budget.js'

/**
 * Counts what structured clone would copy to a worker for `value` (a bridge result) against
 * the execution's conversion budget, before it is posted: clone keeps one copy of a shared
 * object but copies a string once per reference, so 250 references to one 1 MiB string are
 * 250 MiB on the way. Over the budget the execution trips `memory` (LimitExceededError);
 * past the deadline, `timeout`. A value clone would refuse is left for clone to report.
 */
export function checkCrossing(value: unknown, owner: BudgetOwner): void {
  const budget = new ConversionBudget(owner)
  const seen = new Set<object>()
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      budget.addString(v.length)
      return
    }
    if (typeof v !== 'object' || v === null || seen.has(v)) return
    seen.add(v)
    if (ArrayBuffer.isView(v)) {
      budget.addString(v.byteLength)
    } else if (Array.isArray(v)) {
      budget.add(CONTAINER_BYTES + v.length * ENTRY_BYTES, 1 + v.length)
      for (const item of v) walk(item)
    } else if (v instanceof Map) {
      budget.add(CONTAINER_BYTES + v.size * 2 * ENTRY_BYTES, 1 + v.size)
      for (const [k, item] of v) {
        walk(k)
        walk(item)
      }
    } else {
      const keys = Object.keys(v)
      budget.add(CONTAINER_BYTES + keys.length * ENTRY_BYTES, 1 + keys.length)
      for (const k of keys) {
        budget.addString(k.length)
        walk((v as Record<string, unknown>)[k])
      }
    }
  }
  try {
    walk(value)
  } catch (e) {
    // a getter or trap that throws, or nesting too deep to walk: clone will report it
    if (isFatal(e)) throw e
  }
}
