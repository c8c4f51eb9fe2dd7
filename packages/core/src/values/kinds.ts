import type { CustomType } from './converters.js'
import type { ConverterRegistry } from './converters.js'
import { isPlainObject } from './safe-object.js'

/** The value-model row a host value falls in (docs/architecture.md, "The value model"). */
export type HostKind =
  | { kind: 'nil'; undefined: boolean }
  | { kind: 'boolean' | 'string' | 'number' | 'bigint' | 'function' }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'array' }
  | { kind: 'object' }
  | { kind: 'map'; map: Map<unknown, unknown> }
  | { kind: 'custom'; type: CustomType }
  | { kind: 'unsupported'; what: string }

/**
 * Classifies a host value. Custom types are consulted before the built-in rows, so a host
 * can change how a class (or Date) crosses. Engines switch on the result.
 */
export function classifyHostValue(v: unknown, converters: ConverterRegistry): HostKind {
  switch (typeof v) {
    case 'undefined':
      return { kind: 'nil', undefined: true }
    case 'boolean':
    case 'string':
    case 'number':
    case 'bigint':
    case 'function':
      return { kind: typeof v as 'boolean' }
    case 'symbol':
      return { kind: 'unsupported', what: 'symbol' }
  }
  if (v === null) return { kind: 'nil', undefined: false }
  const custom = converters.find(v)
  if (custom) return { kind: 'custom', type: custom }
  if (Array.isArray(v)) return { kind: 'array' }
  if (v instanceof Uint8Array) return { kind: 'bytes', bytes: v }
  // the value model's `ArrayBuffer` → `Uint8Array`: a view of its bytes (engines copy them)
  if (v instanceof ArrayBuffer) return { kind: 'bytes', bytes: new Uint8Array(v) }
  if (v instanceof Map) return { kind: 'map', map: v }
  if (isPlainObject(v)) return { kind: 'object' }
  const ctor = (v as { constructor?: { name?: string } }).constructor?.name ?? 'object'
  return { kind: 'unsupported', what: `instance of ${ctor} (register a custom type for it)` }
}

/** Whether an integral number fits an engine's integer range. */
export function fitsInteger(n: number, range: readonly [number, number] | undefined): boolean {
  return Number.isInteger(n) && !Object.is(n, -0) && (range === undefined || (n >= range[0] && n <= range[1]))
}

/** With the `u` flag a surrogate pair is one code point: this matches only unpaired halves. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u
/** ES2024's check: native, and immediate for one-byte strings (Node 20+); the pattern elsewhere. */
const isWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed

/**
 * Whether `s` holds an unpaired surrogate: such a string has no UTF-8 form, so an engine that
 * passes strings as UTF-8 must carry it another way or refuse it.
 */
export function hasLoneSurrogate(s: string): boolean {
  return isWellFormed ? !isWellFormed.call(s) : LONE_SURROGATE.test(s)
}
