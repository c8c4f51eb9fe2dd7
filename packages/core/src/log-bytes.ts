/**
 * What one captured log line counts against `outputBytes`: its message's UTF-8 bytes plus
 * `LOG_LINE_BYTES` for the line itself. Without the per-line part an empty `print()` cost
 * nothing, so a loop of them filled the host's heap with log records (hundreds of MiB in
 * one execution) until the time limit; with it a limit of N bytes holds at most N / 16 lines.
 */
export const LOG_LINE_BYTES = 16

const encoder = new TextEncoder()

/** Bytes a log line with this message counts against `outputBytes`. */
export function logLineBytes(message: string): number {
  return LOG_LINE_BYTES + (message.length > 1024 ? encoder.encode(message).byteLength : byteLengthSmall(message))
}

/**
 * UTF-8 length of a short string without encoding it, as TextEncoder writes it: a surrogate
 * pair is 4 bytes, a lone surrogate 3 (it is written as U+FFFD).
 */
function byteLengthSmall(s: string): number {
  let n = s.length
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c <= 0x7f) continue
    if (c <= 0x7ff) n += 1
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && isLowSurrogate(s.charCodeAt(i + 1))) {
      n += 2
      i++
    } else n += 2
  }
  return n
}

const isLowSurrogate = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff
