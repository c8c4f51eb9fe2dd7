import { invalidReturnValue } from '../bridge-failure.js'
import { isFatal } from '../errors.js'
import type { Execution } from '../execution.js'
import type { ConverterRegistry, CustomType } from '../values/converters.js'
import { ConversionBudget } from '../values/budget.js'
import { ConversionGuard } from '../values/guard.js'
import { classifyHostValue, fitsInteger } from '../values/kinds.js'
import { setSafe } from '../values/safe-object.js'

/** A list in the fake VM; `null` items are holes (nil). */
export class FList {
  constructor(
    readonly items: FValue[],
    public frozen = false,
  ) {}
}

/** A string-keyed record in the fake VM (a Map, so no key ever reaches a prototype). */
export class FRecord {
  constructor(
    readonly fields = new Map<string, FValue>(),
    public frozen = false,
  ) {}
}

/** A callable: a builtin, a bridge method or a host function. May return a Promise. */
export class FFunction {
  constructor(
    readonly name: string,
    readonly call: (args: FValue[]) => FValue | Promise<FValue>,
  ) {}
}

/** A custom-type value as the script sees it (`value`), tagged so it converts back. */
export class FTagged {
  constructor(
    readonly type: CustomType,
    readonly value: FValue,
  ) {}
}

/** Values of the fake VM: integers are bigints, floats are numbers, nil is null. */
export type FValue = null | boolean | number | bigint | string | Uint8Array | FList | FRecord | FFunction | FTagged

/**
 * Converts between host values and fake-VM values by the value-model rules every engine
 * follows: the ConversionGuard for paths, depth and cycles, `setSafe` for script keys,
 * custom types tagged on the way in and rebuilt on the way out.
 */
export class FakeConverter {
  constructor(
    private readonly converters: ConverterRegistry,
    private readonly maxDepth: number,
    range: readonly [number, number] | undefined,
    /** Host functions handed to the script are called through it (metered like bridges). */
    private readonly execution?: Execution,
  ) {
    // without a declared range, integers are exact only up to 2^53 on the host side
    this.range = range ?? [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]
  }

  private readonly range: readonly [number, number]

  /** Host → VM. `key` names the root in error paths (a global's name). */
  toVM(v: unknown, key?: string, guard = this.guard()): FValue {
    return this.in(v, guard, key)
  }

  /** Host → VM for a call's result (a bridge's or a host function's): data only. */
  resultToVM(v: unknown): FValue {
    return this.in(v, this.guard(true), undefined)
  }

  /** VM → host. */
  toHost(v: FValue, guard = this.guard()): unknown {
    return this.out(v, guard, undefined)
  }

  // --- internal ---

  /** A host function's result for the VM; one that cannot cross is the BridgeError every engine gives. */
  private hostResult(name: string, out: unknown): FValue {
    try {
      return this.resultToVM(out)
    } catch (e) {
      if (isFatal(e)) throw e
      const error = invalidReturnValue(name, e)
      this.execution?.noteBridgeFailure(name, error)
      throw error
    }
  }

  /** Paths, depth and cycles; under an execution also its deadline and memory budget. */
  private guard(dataOnly = false): ConversionGuard {
    return new ConversionGuard(this.maxDepth, this.execution ? new ConversionBudget(this.execution) : undefined, dataOnly)
  }

  private in(v: unknown, g: ConversionGuard, key: string | number | undefined): FValue {
    g.entry()
    const k = classifyHostValue(v, this.converters)
    switch (k.kind) {
      case 'nil':
        return null
      case 'boolean':
      case 'string':
        return v as boolean | string
      case 'number':
        return fitsInteger(v as number, this.range) ? BigInt(v as number) : (v as number)
      case 'bigint': {
        const n = v as bigint
        if (n < BigInt(this.range[0]) || n > BigInt(this.range[1])) throw leaf(g, key, 'bigint outside the integer range')
        return n
      }
      case 'bytes':
        return new Uint8Array(k.bytes)
      case 'function': {
        const fn = g.allowFunction(v as (...args: unknown[]) => unknown, key)
        const name = String(key ?? 'function')
        return new FFunction(name, (args) => {
          const hostArgs = args.map((a) => this.toHost(a))
          const out = this.execution ? this.execution.callHost(fn, hostArgs) : fn(...hostArgs)
          return out instanceof Promise ? out.then((r) => this.hostResult(name, r)) : this.hostResult(name, out)
        })
      }
      case 'array':
        return nest(g, v as unknown[], key, () => {
          const arr = v as unknown[]
          return new FList(Array.from({ length: arr.length }, (_, i) => (i in arr ? this.in(arr[i], g, i) : null)))
        })
      case 'object':
        return nest(g, v as object, key, () => {
          const r = new FRecord()
          for (const [name, item] of Object.entries(v as object)) r.fields.set(name, this.in(item, g, name))
          return r
        })
      case 'map':
        return nest(g, k.map, key, () => {
          const r = new FRecord()
          for (const [name, item] of k.map) {
            if (typeof name !== 'string') throw leaf(g, String(name), 'map keys must be strings')
            r.fields.set(name, this.in(item, g, name))
          }
          return r
        })
      case 'custom':
        return new FTagged(k.type, this.in(k.type.toScript(v), g, key))
      case 'unsupported':
        throw leaf(g, key, `unsupported value: ${k.what}`)
    }
  }

  private out(v: FValue, g: ConversionGuard, key: string | number | undefined): unknown {
    g.entry()
    if (v === null || typeof v !== 'object' || v instanceof Uint8Array) {
      if (typeof v === 'bigint') return Number(v)
      return v instanceof Uint8Array ? new Uint8Array(v) : v
    }
    if (v instanceof FList) return nest(g, v, key, () => v.items.map((item, i) => this.out(item, g, i)))
    if (v instanceof FRecord) {
      return nest(g, v, key, () => {
        const o: Record<string, unknown> = {}
        for (const [name, item] of v.fields) setSafe(o, name, this.out(item, g, name))
        return o
      })
    }
    if (v instanceof FTagged) return v.type.fromScript(this.out(v.value, g, key))
    throw leaf(g, key, 'a function cannot cross to the host')
  }
}

/** Marks a VM value and everything inside it read-only (the `context` global). */
export function freezeDeep(v: FValue): FValue {
  if (v instanceof FList) {
    v.frozen = true
    v.items.forEach(freezeDeep)
  } else if (v instanceof FRecord) {
    v.frozen = true
    v.fields.forEach(freezeDeep)
  } else if (v instanceof FTagged) freezeDeep(v.value)
  return v
}

/** How a value prints (print, throw messages, record keys). */
export function display(v: FValue): string {
  if (v === null) return 'nil'
  if (typeof v === 'object') return v instanceof FTagged ? display(v.value) : `[${kindOf(v)}]`
  return String(v)
}

/** The FakeScript type name of a value (`integer`, `float`, `array`...). */
export function kindOf(v: FValue): string {
  if (v === null) return 'nil'
  if (typeof v === 'bigint') return 'integer'
  if (typeof v === 'number') return 'float'
  if (typeof v !== 'object') return typeof v
  if (v instanceof Uint8Array) return 'bytes'
  if (v instanceof FTagged) return kindOf(v.value)
  return v instanceof FList ? 'array' : v instanceof FRecord ? 'object' : 'function'
}

/** The script-visible value of a custom-type value. */
export function unwrap(v: FValue): FValue {
  return v instanceof FTagged ? v.value : v
}

/** FakeScript `eq`: identity for containers, value equality (integers and floats apart) otherwise. */
export function same(a: FValue, b: FValue): boolean {
  return typeof a === 'bigint' || typeof b === 'bigint' ? typeof a === typeof b && a === b : Object.is(a, b)
}

/** FakeScript `len` of strings, bytes, arrays and records. */
export function length(v: FValue, fail: (m: string) => Error): number {
  const u = unwrap(v)
  if (typeof u === 'string' || u instanceof Uint8Array) return u.length
  if (u instanceof FList) return u.items.length
  if (u instanceof FRecord) return u.fields.size
  throw fail(`attempt to get the length of a ${kindOf(u)} value`)
}

// --- internal ---

function nest<T>(g: ConversionGuard, container: object, key: string | number | undefined, build: () => T): T {
  g.enter(container, key)
  const out = build()
  g.leave(key !== undefined)
  return out
}

function leaf(g: ConversionGuard, key: string | number | undefined, reason: string): Error {
  if (key !== undefined) g.push(key)
  return g.error(reason)
}
