import { keyOf, option, parseInteger } from '../store/args.js'
import { cString, isCSpace, strtoull } from '../store/c-numbers.js'
import { globMatcher } from '../store/glob.js'
import { ERR, fail } from '../store/replies.js'

/** The options of SCAN, HSCAN, SSCAN and ZSCAN as Redis's `scanGenericCommand` reads them. */
export interface ScanOptions {
  /** COUNT (default 10; a hint of how much one call walks). */
  readonly count: number
  /** MATCH's glob, when one was given. */
  readonly match: ((s: string) => boolean) | undefined
  /** TYPE (SCAN only), lower-cased. */
  readonly type: string | undefined
}

/**
 * The cursor as Redis's `parseScanCursorOrReply` reads it: `strtoul` over the C string, no
 * leading space, no overflow ("" is 0, "-1" is 2^64-1, "+5" and "05" are 5).
 */
export function scanCursor(b: Buffer): number {
  const text = cString(b.toString('latin1'))
  const n = isCSpace(text[0]) ? undefined : text === '' ? 0n : strtoull(text)
  if (n === undefined) fail('ERR invalid cursor')
  return Number(n)
}

/**
 * The options from `a[from]` on, in Redis's order: each option needs its value (else
 * `ERR syntax error`), COUNT must be an integer ≥ 1, TYPE is SCAN's only (`withType`); a
 * failing option answers before the ones after it are read.
 */
export function scanOptions(a: readonly Buffer[], from: number, withType: boolean): ScanOptions {
  let count = 10
  let match: ((s: string) => boolean) | undefined
  let type: string | undefined
  for (let i = from; i < a.length; i += 2) {
    const o = option(a[i])
    const v = a[i + 1]
    if (!v) fail(ERR.syntax)
    if (o === 'COUNT') {
      count = parseInteger(v)
      if (count < 1) fail(ERR.syntax)
    } else if (o === 'MATCH') match = globMatcher(keyOf(v))
    else if (o === 'TYPE' && withType) type = v.toString('latin1').toLowerCase()
    else fail(ERR.syntax)
  }
  return { count, match, type }
}
