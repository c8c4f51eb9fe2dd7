import { ConversionGuard, isPlainObject } from '@polyhost/core/engine'
import { cloneKeepsClass } from './value-codec.js'

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
 *
 * With `instances: 'refuse'` (globals) an object structured clone would not give back as its
 * class (a class instance, an `Object.create(proto)`) is a ConversionError too: a host refuses
 * it inline (or converts it by a custom type registered for its class), while the job's copy
 * reached the worker as plain data and ran. Context is copied by a host as data (`'copy'`): an
 * instance there reads the same inline and queued.
 */
export function checkValueDepth(record: Readonly<Record<string, unknown>>, maxDepth: number, instances: 'refuse' | 'copy'): void {
  const guard = new ConversionGuard(maxDepth)
  try {
    for (const [key, value] of Object.entries(record)) visit(value, key, guard, instances === 'refuse')
  } catch (e) {
    // a getter or Proxy trap of the caller's data threw: reported as the engines report it
    throw guard.failure(e)
  }
}

/** {@link checkValueDepth} for a request's globals (class instances refused) and context (copied as data). */
export function checkJobValues(
  r: { readonly globals?: Record<string, unknown>; readonly context?: Record<string, unknown> },
  maxDepth: number,
): void {
  if (r.globals) checkValueDepth(r.globals, maxDepth, 'refuse')
  if (r.context) checkValueDepth(r.context, maxDepth, 'copy')
}

// --- internal ---

function visit(value: unknown, key: string | number, guard: ConversionGuard, refuse: boolean): void {
  if (!isContainer(value)) {
    // a class instance in globals would reach the worker as a plain object (value-codec.ts),
    // which its host converts where inline it refuses the instance or converts it by a custom type
    if (refuse && typeof value === 'object' && value !== null && !cloneKeepsClass(value)) throw guard.error(notCloned(value), key)
    return
  }
  // throws ConversionError at the path of `key`: a cycle, or one level past the bound
  guard.enter(value, key)
  if (Array.isArray(value)) for (let i = 0; i < value.length; i++) visit(value[i], i, guard, refuse)
  else if (value instanceof Map) for (const [k, v] of value) visit(v, String(k), guard, refuse)
  else for (const [k, v] of Object.entries(value)) visit(v, k, guard, refuse)
  guard.leave(true)
}

function notCloned(v: object): string {
  const ctor = (v as { constructor?: { name?: unknown } }).constructor?.name
  const what = typeof ctor === 'string' && ctor ? `an instance of ${ctor.slice(0, 40)}` : 'an object of a custom prototype'
  return `${what} cannot be stored in a job: it would reach the worker as a plain object, without its class (pass plain data)`
}

/**
 * Arrays, Maps and plain objects: what the engines walk into. They convert other objects by
 * the host's registered types, or refuse them, so those are leaves here.
 */
function isContainer(v: unknown): v is object {
  return Array.isArray(v) || v instanceof Map || isPlainObject(v)
}
