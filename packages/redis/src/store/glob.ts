/**
 * Redis's glob (`stringmatchlen`, util.c, case-sensitive): `*`, `?`, `[abc]`, `[^a]`, `[a-z]`,
 * `\x`, over byte strings held one char per byte.
 *
 * The pattern is read once into tokens exactly as stringmatchlen's loop consumes it (a class's
 * quirks included), then matched with one backtrack point, the last `*`: each token but `*`
 * takes exactly one byte, so that finds a match whenever any assignment of the stars does,
 * in O(key × pattern) steps. Redis's own recursion answers the same (since 7.0.9 it prunes the
 * longer matches that cannot succeed); a RegExp here backtracked as key length to the power
 * of the stars (`*a*a*a*a*b` over long keys held the host for minutes).
 */
export function globMatcher(pattern: string): (s: string) => boolean {
  const tokens = tokenize(pattern)
  // stringmatchlen matches an empty string only with an empty pattern; KEYS and SCAN take
  // exactly `*` as "every key" without matching, so that one finds the empty key too
  const emptyMatches = pattern === '' || pattern === '*'
  return (s) => (s.length === 0 ? emptyMatches : matches(tokens, s))
}

// --- internal ---

/** `*`, or the bytes one position accepts (a 256-entry table). */
type Token = typeof STAR | Uint8Array

const STAR = 0
const ANY = new Uint8Array(256).fill(1)

function matches(tokens: readonly Token[], s: string): boolean {
  let i = 0
  let t = 0
  let star = -1
  let resume = 0
  while (i < s.length) {
    const token = tokens[t]
    if (token !== undefined && token !== STAR && token[s.charCodeAt(i) & 0xff] === 1) {
      i++
      t++
    } else if (token === STAR) {
      star = t++
      resume = i
    } else if (star >= 0) {
      // the last star takes one byte more; the tokens after it start again
      t = star + 1
      i = ++resume
    } else return false
  }
  while (tokens[t] === STAR) t++
  return t === tokens.length
}

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = []
  for (let p = 0; p < pattern.length; p++) {
    const c = pattern[p] as string
    if (c === '*') {
      if (tokens[tokens.length - 1] !== STAR) tokens.push(STAR)
    } else if (c === '?') tokens.push(ANY)
    else if (c === '[') {
      const cls = charClass(pattern, p + 1)
      tokens.push(cls.accepts)
      p = cls.end
    } else {
      // `\x` is x; a `\` ending the pattern is itself
      if (c === '\\' && p + 1 < pattern.length) p++
      tokens.push(only(pattern.charCodeAt(p)))
    }
  }
  return tokens
}

/**
 * A `[...]` class starting after its `[`, read as stringmatchlen reads it: `^` negates, `\x`
 * is x, `a-b` is a range in either order compared as C's signed chars (bytes 0x80-0xff are
 * below 0: `[\x00-\xff]` is 0xff and 0x00 only), `a-]` is a range and the class goes on, and
 * a class left open takes the rest of the pattern. Returns the bytes it accepts and the index
 * of its last character (the `]`, or the pattern's end).
 */
function charClass(pattern: string, from: number): { accepts: Uint8Array; end: number } {
  const accepts = new Uint8Array(256)
  let j = from
  const negate = pattern[j] === '^'
  if (negate) j++
  for (;;) {
    const left = pattern.length - j
    if (left >= 2 && pattern[j] === '\\') {
      j++
      accepts[pattern.charCodeAt(j) & 0xff] = 1
    } else if (left > 0 && pattern[j] === ']') break
    else if (left <= 0) {
      j = pattern.length - 1
      break
    } else if (left >= 3 && pattern[j + 1] === '-') {
      let lo = signedByte(pattern.charCodeAt(j))
      let hi = signedByte(pattern.charCodeAt(j + 2))
      if (lo > hi) [lo, hi] = [hi, lo]
      for (let b = 0; b < 256; b++) if (signedByte(b) >= lo && signedByte(b) <= hi) accepts[b] = 1
      j += 2
    } else accepts[pattern.charCodeAt(j) & 0xff] = 1
    j++
  }
  if (negate) for (let b = 0; b < 256; b++) accepts[b] = accepts[b] === 1 ? 0 : 1
  return { accepts, end: j }
}

function only(code: number): Uint8Array {
  const accepts = new Uint8Array(256)
  accepts[code & 0xff] = 1
  return accepts
}

/** A byte as x86-64's `char` holds it. */
function signedByte(b: number): number {
  const v = b & 0xff
  return v >= 0x80 ? v - 0x100 : v
}
