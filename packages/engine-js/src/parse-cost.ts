/**
 * Which sources the compiler parses off-thread first (ParseProbe) because their parse might
 * not fit in the time limit: QuickJS's parser never calls the interrupt handler.
 *
 * Sources longer than PROBE_MIN_CHARS always. Below it the worst case QuickJS knows in
 * ordinary code (declarations in one scope, quadratic) parses in ~0.1-0.3 s, but QuickJS
 * also compiles every regular-expression literal while it parses, and three kinds compile
 * slowly, on the host thread, at every run (a statement script parses again each time):
 *
 * - a character class of many separate members (quadratic in them): `/[…]/` of 16,000 CJK
 *   characters (16 KB) 5.8 s, with or without flags;
 * - Unicode property or string escapes, up to ~8 ms each (`/\p{RGI_Emoji}/v`):
 *   300 × `/[\P{Ll}\P{Lu}\P{L}\P{N}\P{Lo}]/iu` (10.5 KB) 1.2 s;
 * - ranges under case-insensitive matching (the `i` flag or a `(?i:` group; the `v` flag is
 *   counted alike), each case-folded: up to ~1.5 ms a range (`/[ -\uffff]/i`), 16 KB of them
 *   2.4 s.
 *
 * So a source is probed whatever its length when a `[` is more than LONG_CLASS_CHARS from the
 * `]` that would close it as a class, or when its escapes and ranges (every `-` counts once a
 * case-insensitive flag or group appears anywhere) could cost more than INLINE_MS. Everything
 * else a literal can hold compiles in microseconds (`\S`, `.`, `[^a]`, quantifiers, groups:
 * 16 KB of any of them under 0.1 s). Text that only looks like one of these (`a/i`, a
 * comment, a long array literal) costs a probe, nothing more.
 */

const PROBE_MIN_CHARS = 16 * 1024
/** A class this long compiles in ~1.5 ms (quadratic in its members). */
const LONG_CLASS_CHARS = 256
/** What the escapes and case-folded ranges of a source may cost before it is probed. */
const INLINE_MS = 50
const ESCAPE_MS = 10
const FOLDED_RANGE_MS = 2
const SLOW_ESCAPE = /\\[pPq]\{/g
/**
 * Regexp flags with `i` or `v`, or a modifier group turning `i` on. Linear: the letters before
 * the `i`/`v` exclude it, so nothing backtracks further than one run of flag letters.
 */
const CASE_FOLDING = /\/[dgmsuy]*[iv][dgimsuvy]*(?![\w$])|\(\?[ms]*i/
const DASH = /-/g
const BACKSLASH = 0x5c
const OPEN = 0x5b
const CLOSE = 0x5d

/** Whether `source` is parsed off-thread under the time limit before the engine parses it. */
export function mayParseSlowly(source: string): boolean {
  if (source.length > PROBE_MIN_CHARS || longestClass(source) > LONG_CLASS_CHARS) return true
  let ms = count(source, SLOW_ESCAPE) * ESCAPE_MS
  if (CASE_FOLDING.test(source)) ms += count(source, DASH) * FOLDED_RANGE_MS
  return ms > INLINE_MS
}

/**
 * The longest run from a `[` to the `]` that would close it as a regexp class: the first `[`
 * after the last close counts (in a class without the `v` flag, `[` is a member) and a `\`
 * escapes the character after it. An unclosed `[` runs to the end.
 */
export function longestClass(source: string): number {
  let open = -1
  let longest = 0
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i)
    if (c === BACKSLASH) i++
    else if (c === OPEN) {
      if (open < 0) open = i
    } else if (c === CLOSE && open >= 0) {
      longest = Math.max(longest, i - open)
      open = -1
    }
  }
  return open >= 0 ? Math.max(longest, source.length - open) : longest
}

function count(source: string, pattern: RegExp): number {
  let n = 0
  pattern.lastIndex = 0
  while (pattern.exec(source)) n++
  return n
}
