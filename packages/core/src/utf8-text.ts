import { InvalidArgumentError } from './errors.js'

// The host takes scripts as strings, so a script's bytes cannot pass through as they are: a
// byte that is not UTF-8 (Latin-1 `é` is 0xE9) used to become U+FFFD without a word, and
// `#"é"` counted 3 bytes where Lua counts 1. A file that is not UTF-8 (`executeFile`, the
// CLI's inputs) is refused instead, naming the file and the offset of the first bad byte. A
// leading byte order mark is dropped, as Lua's own loader skips it.

const decoder = new TextDecoder('utf-8', { fatal: true })

/**
 * `bytes` as a string, or an InvalidArgumentError (`run: latin.lua is not UTF-8: byte 0xE9 at offset 8`)
 * when they are not well-formed UTF-8 (an overlong form, a surrogate and a code point past
 * U+10FFFF are not).
 *
 * @example
 * decodeUtf8(await readFile('job.lua'), 'job.lua', 'run')
 */
export function decodeUtf8(bytes: Uint8Array, shown: string, what: string): string {
  try {
    return decoder.decode(bytes)
  } catch {
    const at = firstInvalidUtf8(bytes)
    const byte = (bytes[at] ?? 0).toString(16).toUpperCase().padStart(2, '0')
    throw new InvalidArgumentError(`${what}: ${shown} is not UTF-8: byte 0x${byte} at offset ${at} (scripts and inputs must be UTF-8 text)`)
  }
}

/**
 * The offset of the first byte that does not start a well-formed UTF-8 sequence (Unicode
 * table 3-7): a byte that cannot lead one, or the lead of one broken or cut short by the end.
 * -1 when all is well.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0
  while (i < bytes.length) {
    const b = bytes[i] as number
    if (b < 0x80) {
      i++
      continue
    }
    const rule = RULES.find(([from, to]) => b >= from && b <= to)
    if (!rule) return i
    const [, , second, more] = rule
    for (let k = 0; k <= more; k++) {
      const c = bytes[i + 1 + k]
      const [lo, hi] = k === 0 ? second : CONTINUATION
      if (c === undefined || c < lo || c > hi) return i
    }
    i += 2 + more
  }
  return -1
}

// --- internal ---

type Range = readonly [number, number]
const CONTINUATION: Range = [0x80, 0xbf]

/** Lead byte range, the range of the byte after it, and how many continuation bytes follow that one. */
const RULES: readonly (readonly [number, number, Range, number])[] = [
  [0xc2, 0xdf, CONTINUATION, 0],
  [0xe0, 0xe0, [0xa0, 0xbf], 1],
  [0xe1, 0xec, CONTINUATION, 1],
  [0xed, 0xed, [0x80, 0x9f], 1],
  [0xee, 0xef, CONTINUATION, 1],
  [0xf0, 0xf0, [0x90, 0xbf], 2],
  [0xf1, 0xf3, CONTINUATION, 2],
  [0xf4, 0xf4, [0x80, 0x8f], 2],
]
