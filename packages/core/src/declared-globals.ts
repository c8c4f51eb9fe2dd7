import type { z } from 'zod'
import { ConversionError, InvalidArgumentError, isFatal, PolyhostError } from './errors.js'
import { schemaThrewText } from './sanitize.js'
import { formatValuePath, readFailure } from './values/guard.js'
import { MAX_DEPTH_BOUND } from './host-checks.js'

/**
 * Globals (and `context`) a host declares once with zod schemas: the typings are generated
 * from them, and every execution that passes one is checked against its schema. A value that
 * does not fit is a ConversionError naming where (`$.order.items[0].qty`). Values are checked,
 * not replaced: scripts receive what the caller passed (no zod defaults or transforms), as read
 * once for the check.
 */
export class DeclaredGlobals {
  private readonly entries: readonly (readonly [string, z.ZodType])[]

  constructor(
    readonly globals: Readonly<Record<string, z.ZodType>> = {},
    readonly context?: z.ZodType,
  ) {
    if (!globals || typeof globals !== 'object' || Array.isArray(globals)) {
      throw new InvalidArgumentError('createHost: globals must map names to zod schemas')
    }
    for (const [name, schema] of Object.entries(globals)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new InvalidArgumentError(`createHost: globals: '${name}' is not an identifier`)
      if (name === 'context') throw new InvalidArgumentError("createHost: globals: declare 'context' with the context option")
      if (!isSchema(schema)) throw new InvalidArgumentError(`createHost: globals.${name} must be a zod schema`)
    }
    if (context !== undefined && !isSchema(context)) throw new InvalidArgumentError('createHost: context must be a zod schema')
    this.entries = Object.entries(globals)
  }

  /** Whether anything is declared (the check is skipped otherwise). */
  get empty(): boolean {
    return this.entries.length === 0 && this.context === undefined
  }

  /**
   * Checks the declared globals present in `globals`, and `context` when one is passed (the
   * frozen copy the script gets). Returns the globals to run with: each declared one is a
   * snapshot, its plain objects and arrays read once, so what was checked is what the script
   * gets (a getter or Proxy cannot answer the check with one value and the script with another).
   */
  check(
    globals: Readonly<Record<string, unknown>> | undefined,
    context: Readonly<Record<string, unknown>> | undefined,
  ): Readonly<Record<string, unknown>> | undefined {
    let out = globals
    if (globals) {
      for (const [name, schema] of this.entries) {
        if (!Object.hasOwn(globals, name)) continue
        const own: Record<string, unknown> = out === globals ? { ...globals } : (out as Record<string, unknown>)
        out = own
        const value = readOnce(own[name], name)
        verify(schema, value, [name])
        Object.defineProperty(own, name, { value, writable: true, enumerable: true, configurable: true })
      }
    }
    if (this.context && context !== undefined) verify(this.context, context, ['context'])
    return out
  }
}

// --- internal ---

function isSchema(v: unknown): v is z.ZodType {
  return typeof (v as z.ZodType | undefined)?.safeParse === 'function' && typeof (v as { _zod?: unknown })._zod === 'object'
}

function verify(schema: z.ZodType, value: unknown, at: readonly (string | number)[]): void {
  let r: ReturnType<z.ZodType['safeParse']>
  try {
    r = schema.safeParse(value)
  } catch (e) {
    // a refine or transform that throws, or is asynchronous: the caller's value is not the
    // problem, but it could not be checked either
    if (isFatal(e) || e instanceof PolyhostError) throw e
    const text = schemaThrewText(e, 'declared schemas')
    throw new ConversionError(formatValuePath(at), `its schema threw${text ? `: ${text}` : ''}`)
  }
  if (r.success) return
  const issue = r.error.issues[0]
  const path = [...at, ...((issue?.path ?? []) as (string | number)[]).filter((k) => typeof k !== 'symbol')]
  throw new ConversionError(formatValuePath(path), issue?.message ?? 'does not match its declared type')
}

/**
 * `value` with its plain objects and arrays copied, each property read once (shared and cyclic
 * references stay shared); anything else (a Date, a class instance, a function) as it is. Deeper
 * than any `maxDepth` the rest is left as it is: its conversion refuses it anyway.
 */
function readOnce(value: unknown, name: string): unknown {
  const copies = new Map<object, unknown>()
  const copy = (v: unknown, depth: number): unknown => {
    if (v === null || typeof v !== 'object' || depth > MAX_DEPTH_BOUND) return v
    if (copies.has(v)) return copies.get(v)
    const array = Array.isArray(v)
    const proto = Object.getPrototypeOf(v)
    if (!array && proto !== Object.prototype && proto !== null) return v
    const out: Record<PropertyKey, unknown> = array ? [] : proto === null ? Object.create(null) : {}
    copies.set(v, out)
    const keys: PropertyKey[] = Object.keys(v)
    for (const k of Object.getOwnPropertySymbols(v)) if (Object.prototype.propertyIsEnumerable.call(v, k)) keys.push(k)
    for (const k of keys) {
      const item = copy((v as Record<PropertyKey, unknown>)[k], depth + 1)
      Object.defineProperty(out, k, { value: item, writable: true, enumerable: true, configurable: true })
    }
    if (array) (out as unknown as unknown[]).length = (v as unknown[]).length
    return out
  }
  try {
    return copy(value, 0)
  } catch (e) {
    throw readFailure(e, formatValuePath([name]))
  }
}
