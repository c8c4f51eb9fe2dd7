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
  const glob = compile(pattern)
  // stringmatchlen matches an empty string only with an empty pattern; KEYS and SCAN take
  // exactly `*` as "every key" without matching, so that one finds the empty key too
  const emptyMatches = pattern === '' || pattern === '*'
  return (s) => (s.length === 0 ? emptyMatches : matches(glob, s))
}

// --- internal ---

/**
 * A read pattern in flat arrays (a pattern may be as long as an argument can be; its form
 * here takes a few bytes per pattern byte). A token is `*` (STAR), `?` (ANY), one byte
 * (0-255), or CLASS + n for the n-th class, whose items are `bounds` pairs (lo, hi) as C's
 * signed chars from `classes[3n + 1]` to `classes[3n + 2]`, negated when `classes[3n]` is 1.
 */
interface Glob {
  readonly tokens: Int32Array
  readonly classes: Int32Array
  readonly bounds: Int16Array
}

const STAR = -1
const ANY = -2
const CLASS = 256

function matches(g: Glob, s: string): boolean {
  const { tokens } = g
  let i = 0
  let t = 0
  let star = -1
  let resume = 0
  while (i < s.length) {
    const token = t < tokens.length ? (tokens[t] as number) : undefined
    if (token !== undefined && token !== STAR && accepts(g, token, s.charCodeAt(i) & 0xff)) {
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
  while (t < tokens.length && tokens[t] === STAR) t++
  return t === tokens.length
}

function accepts(g: Glob, token: number, byte: number): boolean {
  if (token < CLASS) return token === ANY || token === byte
  const at = 3 * (token - CLASS)
  const c = signedByte(byte)
  let hit = false
  for (let k = g.classes[at + 1] as number, end = g.classes[at + 2] as number; k < end && !hit; k += 2) {
    hit = c >= (g.bounds[k] as number) && c <= (g.bounds[k + 1] as number)
  }
  return hit !== (g.classes[at] === 1)
}

function compile(pattern: string): Glob {
  const tokens: number[] = []
  const classes: number[] = []
  const bounds: number[] = []
  for (let p = 0; p < pattern.length; p++) {
    const c = pattern[p] as string
    if (c === '*') {
      if (tokens[tokens.length - 1] !== STAR) tokens.push(STAR)
    } else if (c === '?') tokens.push(ANY)
    else if (c === '[') {
      tokens.push(CLASS + classes.length / 3)
      p = readClass(pattern, p + 1, classes, bounds)
    } else {
      // `\x` is x; a `\` ending the pattern is itself
      if (c === '\\' && p + 1 < pattern.length) p++
      tokens.push(pattern.charCodeAt(p) & 0xff)
    }
  }
  return { tokens: Int32Array.from(tokens), classes: Int32Array.from(classes), bounds: Int16Array.from(bounds) }
}

/**
 * Reads a `[...]` class starting after its `[` as stringmatchlen reads it, into `classes` and
 * `bounds`: `^` negates, `\x` is x, `a-b` is a range in either order compared as C's signed
 * chars (bytes 0x80-0xff are below 0: `[\x00-\xff]` is 0xff and 0x00 only), `a-]` is a range
 * and the class goes on, and a class left open takes the rest of the pattern. Returns the
 * index of the class's last character (the `]`, or the pattern's end).
 */
function readClass(pattern: string, from: number, classes: number[], bounds: number[]): number {
  const byte = (k: number) => signedByte(pattern.charCodeAt(k))
  let j = from
  const negate = pattern[j] === '^'
  if (negate) j++
  classes.push(negate ? 1 : 0, bounds.length, 0)
  for (;;) {
    const left = pattern.length - j
    if (left >= 2 && pattern[j] === '\\') {
      j++
      bounds.push(byte(j), byte(j))
    } else if (left > 0 && pattern[j] === ']') break
    else if (left <= 0) {
      j = pattern.length - 1
      break
    } else if (left >= 3 && pattern[j + 1] === '-') {
      const [a, b] = [byte(j), byte(j + 2)]
      bounds.push(Math.min(a, b), Math.max(a, b))
      j += 2
    } else bounds.push(byte(j), byte(j))
    j++
  }
  classes[classes.length - 1] = bounds.length
  return j
}

/** A byte as x86-64's `char` holds it. */
function signedByte(b: number): number {
  const v = b & 0xff
  return v >= 0x80 ? v - 0x100 : v
}
