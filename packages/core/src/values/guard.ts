import { ConversionError, PolyhostError } from '../errors.js'
import { sanitizeScriptMessage } from '../sanitize.js'
import { CONTAINER_BYTES, type ConversionBudget, ENTRY_BYTES } from './budget.js'

/** Default maximum nesting depth of a converted value. */
export const DEFAULT_MAX_DEPTH = 64

/**
 * The most entries one array or object may have to cross, whatever the limits. V8 aborts
 * the whole process (not an exception) when an array grows past ~112 million elements, and
 * a guest can make an array of any length for nothing (`a.length = 2 ** 32 - 1`). 2^24
 * entries are 128 MiB of pointers, more than any preset's memory limit lets through.
 */
export const MAX_ENTRIES = 2 ** 24

/**
 * Why a host function in a call's result is refused, worded alike by every engine and by the
 * worker boundary. A function there would hand the script a callable host object (a handler
 * that walks a config path to `constructor.constructor` returns Node's `Function`): results
 * of bridges and of host functions are data; functions reach scripts only through `globals`.
 */
export const RESULT_FUNCTION_REFUSED = 'a host function cannot be returned to a script (results are data only)'

/**
 * Tracks the path, depth and ancestors of a value being converted, so that cycles and
 * over-deep values fail with a ConversionError naming where (`$.a.b[3]`). Shared by
 * every engine's converter, in both directions.
 */
export class ConversionGuard {
  private readonly path: (string | number)[] = []
  private readonly ancestors: object[] = []

  constructor(
    readonly maxDepth: number = DEFAULT_MAX_DEPTH,
    /** The execution's deadline and memory budget, when the conversion runs for one. */
    readonly budget?: ConversionBudget,
    /** A call's result (bridge or host function): host functions anywhere in it are refused. */
    readonly dataOnly = false,
  ) {}

  /**
   * A host function met at `key` (undefined for the root), returned to be wrapped for the
   * script; where only data may cross (`dataOnly`), a ConversionError naming its path.
   */
  allowFunction<F>(fn: F, key?: string | number): F {
    if (!this.dataOnly) return fn
    if (key !== undefined) this.path.push(key)
    const e = this.error(RESULT_FUNCTION_REFUSED)
    if (key !== undefined) this.path.pop()
    throw e
  }

  /**
   * Enters a container reached through `key` (undefined for the root) that holds `entries`
   * entries: counted against the budget before any of them is converted.
   */
  enter(container: object, key?: string | number, entries = 0): void {
    if (key !== undefined) this.path.push(key)
    if (this.ancestors.includes(container)) throw this.error('cycle detected')
    if (this.ancestors.length >= this.maxDepth) throw this.error(`nesting deeper than ${this.maxDepth}`)
    if (entries > MAX_ENTRIES) throw this.error(`${entries} entries: more than ${MAX_ENTRIES} cannot cross`)
    this.budget?.add(CONTAINER_BYTES + entries * ENTRY_BYTES, 1 + entries)
    this.ancestors.push(container)
  }

  /**
   * One entry of the current container converted: the deadline is checked every so many,
   * so a container of entries that cost nothing to read (an array's holes) stays bounded.
   */
  entry(): void {
    this.budget?.tick()
  }

  /** Counts a string (or byte string) of `length` units before it is produced. */
  string(length: number): void {
    this.budget?.addString(length)
  }

  leave(hadKey: boolean): void {
    this.ancestors.pop()
    if (hadKey) this.path.pop()
  }

  /** Pushes a key for a leaf, so errors about it name it. */
  push(key: string | number): void {
    this.path.push(key)
  }

  pop(): void {
    this.path.pop()
  }

  get depth(): number {
    return this.ancestors.length
  }

  /** A ConversionError at the current path, or at `keys` below it (a leaf not yet entered). */
  error(reason: string, ...keys: (string | number | undefined)[]): ConversionError {
    const below = keys.filter((k) => k !== undefined) as (string | number)[]
    return new ConversionError(formatValuePath(below.length ? [...this.path, ...below] : this.path), reason)
  }

  /** What an error thrown while reading a host value here becomes (see `readFailure`). */
  failure(e: unknown): PolyhostError {
    return readFailure(e, formatValuePath(this.path))
  }
}

/** `['a', 'b', 3]` → `$.a.b[3]`; keys that are not identifiers are quoted (`$["x y"]`). */
export function formatValuePath(path: readonly (string | number)[]): string {
  let out = '$'
  for (const k of path) {
    if (typeof k === 'number') out += `[${k}]`
    else if (/^[A-Za-z_$][\w$]*$/.test(k)) out += `.${k}`
    else out += `[${JSON.stringify(k)}]`
  }
  return out
}

/**
 * What an error thrown while reading a host value becomes: a getter or Proxy trap of the
 * caller's data threw, which is bad input (ConversionError), not an engine failure.
 * Polyhost errors (a ConversionError with its own path, a limit) pass through unchanged.
 */
export function readFailure(e: unknown, path = '$'): PolyhostError {
  if (e instanceof PolyhostError) return e
  // the text of a host getter's or trap's error may name host files: never shown as it is
  const message = sanitizeScriptMessage(e instanceof Error ? e.message : String(e))
  return new ConversionError(path, `the host value could not be read: ${message}`)
}
