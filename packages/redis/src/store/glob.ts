/**
 * Redis's glob (`stringmatchlen`): `*`, `?`, `[abc]`, `[^a]`, `[a-z]`, `\x`, over byte
 * strings held one char per byte. Compiled to a RegExp once per pattern.
 */
export function globMatcher(pattern: string): (s: string) => boolean {
  let re = '^'
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string
    if (c === '*') re += '[\\s\\S]*'
    else if (c === '?') re += '[\\s\\S]'
    else if (c === '\\' && i + 1 < pattern.length) re += escapeChar(pattern[++i] as string)
    else if (c === '[') {
      const cls = charClass(pattern, i + 1)
      re += cls.re
      i = cls.end
    } else re += escapeChar(c)
  }
  const compiled = new RegExp(`${re}$`)
  // stringmatchlen matches an empty string only with an empty pattern; KEYS and SCAN take
  // exactly `*` as "every key" without matching, so that one finds the empty key too
  const emptyMatches = pattern === '' || pattern === '*'
  return (s) => (s.length === 0 ? emptyMatches : compiled.test(s))
}

// --- internal ---

/**
 * A `[...]` class starting after its `[`, read as stringmatchlen reads it: `^` negates, `\x`
 * is x, `a-b` is a range in either order (even `a-]`: the `]` is then the range's end and
 * the class goes on), and a class left open takes the rest of the pattern. Returns the
 * RegExp text and the index of the class's last character.
 */
function charClass(pattern: string, from: number): { re: string; end: number } {
  let j = from
  const negate = pattern[j] === '^'
  if (negate) j++
  let ranges = ''
  for (; j < pattern.length && pattern[j] !== ']'; j++) {
    const d = pattern[j] as string
    if (d === '\\' && j + 1 < pattern.length) ranges += hexRange(pattern[++j] as string, pattern[j] as string)
    else if (j + 2 < pattern.length && pattern[j + 1] === '-') {
      ranges += hexRange(d, pattern[j + 2] as string)
      j += 2
    } else ranges += hexRange(d, d)
  }
  const end = Math.min(j, pattern.length - 1)
  if (ranges === '') return { re: negate ? '[\\s\\S]' : '(?!)', end }
  return { re: `[${negate ? '^' : ''}${ranges}]`, end }
}

/** A RegExp class range between two chars (either order), as \xHH escapes. */
function hexRange(a: string, b: string): string {
  const [lo, hi] = a <= b ? [a, b] : [b, a]
  const hex = (c: string) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`
  return lo === hi ? hex(lo) : `${hex(lo)}-${hex(hi)}`
}

function escapeChar(c: string): string {
  return c.replace(/[\\^$.*+?()[\]{}|\-/]/g, '\\$&')
}
