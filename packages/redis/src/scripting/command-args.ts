import { InvalidArgumentError } from '@polyhost/core'
import { utf8Bytes } from '../store/text-bytes.js'

/**
 * An argument as `command()` takes it: text, or bytes for binary values; other values are
 * converted as ioredis's `call()` converts them (numbers, bigints and booleans as their
 * `String()`, an integer past 2^53 with all its digits, `null` and `undefined` as an empty
 * argument, an array as its elements).
 */
export type RedisArg = string | Uint8Array | number | bigint | boolean | null | undefined | readonly RedisArg[]

/**
 * argv as bytes, converted as ioredis 6's `call(name, ...args)` sends them: the arguments
 * after the name are flattened one level (`args.flat()`), strings go as UTF-8, numbers,
 * bigints and booleans as their `String()` (an integer past 2^53 with all its digits),
 * `null` and `undefined` as an empty argument (its `toArg`). Bytes (`Uint8Array`,
 * `Buffer`) go as they are. What ioredis would send as `String(value)` text no caller
 * means (an object's `[object Object]`, a nested array's `a,b`, a function's source, a
 * symbol) is refused with InvalidArgumentError naming it.
 */
export function toArgv(argv: readonly RedisArg[]): Buffer[] {
  if (!Array.isArray(argv)) throw new InvalidArgumentError(`command(): argv must be an array (got ${kindOf(argv)})`)
  const out: Buffer[] = []
  for (let i = 0; i < argv.length; i++) {
    const a: unknown = argv[i]
    if (Array.isArray(a) && i > 0) {
      for (let j = 0; j < a.length; j++) out.push(toBytes(a[j], `argv[${i}][${j}]`))
    } else out.push(toBytes(a, `argv[${i}]`))
  }
  return out
}

// --- internal ---

function toBytes(a: unknown, where: string): Buffer {
  if (typeof a === 'string') return utf8Bytes(a)
  if (a instanceof Uint8Array) return Buffer.from(a.buffer, a.byteOffset, a.byteLength)
  if (typeof a === 'number') {
    // ioredis 6 writes an integer past 2^53 with all its digits (1e21 as 1000000000000000000000)
    return Buffer.from(Number.isInteger(a) && !Number.isSafeInteger(a) ? BigInt(a).toString() : String(a), 'latin1')
  }
  if (typeof a === 'bigint' || typeof a === 'boolean') return Buffer.from(String(a), 'latin1')
  if (a === null || a === undefined) return Buffer.alloc(0)
  throw new InvalidArgumentError(`command(): ${where} must be a string, number, bigint, boolean, null or bytes (got ${kindOf(a)})`)
}

/** How an error message names a value of the wrong kind: `a string`, `an object`, `null`... */
export function kindOf(v: unknown): string {
  if (v === null || v === undefined) return String(v)
  if (Array.isArray(v)) return 'an array'
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`
}
