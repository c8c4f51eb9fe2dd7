/** Strings up to this many chars are converted by the loop below; longer ones by Buffer.from. */
const SHORT = 64

/**
 * `Buffer.from(s, 'utf8')`, faster for the short ASCII strings most arguments are (names,
 * keys, fields, numbers): their bytes are their char codes, written into a buffer from
 * Node's pool without the two native calls (byte length, write) Buffer.from makes.
 */
export function utf8Bytes(s: string): Buffer {
  const n = s.length
  if (n > SHORT) return Buffer.from(s, 'utf8')
  const b = Buffer.allocUnsafe(n)
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i)
    if (c > 0x7f) return Buffer.from(s, 'utf8')
    b[i] = c
  }
  return b
}
