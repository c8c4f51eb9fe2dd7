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
      let j = i + 1
      let cls = ''
      if (pattern[j] === '^') {
        cls += '^'
        j++
      }
      for (; j < pattern.length && pattern[j] !== ']'; j++) {
        const d = pattern[j] as string
        if (d === '\\' && j + 1 < pattern.length) cls += escapeChar(pattern[++j] as string)
        else if (pattern[j + 1] === '-' && j + 2 < pattern.length && pattern[j + 2] !== ']') {
          const a = d
          const b = pattern[j + 2] as string
          cls += a <= b ? `${escapeChar(a)}-${escapeChar(b)}` : `${escapeChar(b)}-${escapeChar(a)}`
          j += 2
        } else cls += escapeChar(d)
      }
      re += cls === '' || cls === '^' ? (cls === '^' ? '[\\s\\S]' : '(?!)') : `[${cls}]`
      i = j
    } else re += escapeChar(c)
  }
  const compiled = new RegExp(`${re}$`)
  return (s) => compiled.test(s)
}

// --- internal ---

function escapeChar(c: string): string {
  return c.replace(/[\\^$.*+?()[\]{}|\-/]/g, '\\$&')
}
