import { ConversionGuard, isPlainObject } from '@polyhost/core/engine'

/**
 * Refuses, at enqueue, globals or context nested deeper than a worker's host would convert.
 *
 * The host refuses such a value with ConversionError (`$.a.b…: nesting deeper than 64`), and
 * a job would get the same error from its worker, without retries, had it been stored at all.
 * But a deep value travels V8-encoded (value-codec.ts), and V8 decodes less nesting than it
 * encodes (about 1,900 levels against 3,000 on a worker's stack): such a job would end in a
 * stack overflow, retried as if Redis had failed, instead of the error the caller gets inline.
 * Refusing it here gives the inline error, before anything is stored.
 *
 * The walk is the engines' own: core's ConversionGuard, entered for each array, Map and plain
 * object below a key of the record, as the engines enter them when they convert globals. So
 * the path, the message and the bound (`maxDepth`, the host option, default 64) are theirs,
 * and no value a host of that `maxDepth` takes is refused. The count starts at each key, as
 * for globals; both engines count the context table itself too, and refuse one level less
 * there themselves (the same error, never retried).
 */
export function checkValueDepth(record: Readonly<Record<string, unknown>>, maxDepth: number): void {
  const guard = new ConversionGuard(maxDepth)
  try {
    for (const [key, value] of Object.entries(record)) visit(value, key, guard)
  } catch (e) {
    // a getter or Proxy trap of the caller's data threw: reported as the engines report it
    throw guard.failure(e)
  }
}

// --- internal ---

function visit(value: unknown, key: string | number, guard: ConversionGuard): void {
  if (!isContainer(value)) return
  // throws ConversionError at the path of `key`: a cycle, or one level past the bound
  guard.enter(value, key)
  if (Array.isArray(value)) for (let i = 0; i < value.length; i++) visit(value[i], i, guard)
  else if (value instanceof Map) for (const [k, v] of value) visit(v, String(k), guard)
  else for (const [k, v] of Object.entries(value)) visit(v, k, guard)
  guard.leave(true)
}

/**
 * Arrays, Maps and plain objects: what the engines walk into. They convert other objects by
 * the host's registered types, or refuse them, so those are leaves here.
 */
function isContainer(v: unknown): v is object {
  return Array.isArray(v) || v instanceof Map || isPlainObject(v)
}
