import { type ConversionGuard, hasLoneSurrogate, LARGE_STRING } from '@polyhost/core/engine'

/** UTF-16 units encoded between two deadline checks. */
const STEP = 1 << 20

/**
 * A long host string as Lua bytes (UTF-8), or undefined if it holds an unpaired surrogate.
 * The string is counted against the conversion's memory budget before any byte is made,
 * then checked and encoded natively in steps with the deadline checked between them:
 * fengari's own `to_luastring` builds the bytes one character at a time in JavaScript
 * (~1 s for 24 MB) and never looks at the clock.
 */
export function encodeLongString(s: string, guard: ConversionGuard): Uint8Array | undefined {
  guard.string(s.length)
  const out = new Uint8Array(Buffer.byteLength(s, 'utf8'))
  // Buffer#write is native and several times faster than TextEncoder#encodeInto on slices
  const writer = Buffer.from(out.buffer, out.byteOffset, out.byteLength)
  let read = 0
  let written = 0
  while (read < s.length) {
    let end = Math.min(s.length, read + STEP)
    // never split a surrogate pair between two steps: each step is then checked on its own
    const last = s.charCodeAt(end - 1)
    if (end < s.length && last >= 0xd800 && last <= 0xdbff) end++
    const part = s.slice(read, end)
    if (hasLoneSurrogate(part)) return undefined
    written += writer.write(part, written, 'utf8')
    read = end
    guard.budget?.check()
  }
  return out
}

/** Whether a string is long enough to take the stepwise path. */
export function isLongString(s: string): boolean {
  return s.length >= LARGE_STRING
}
