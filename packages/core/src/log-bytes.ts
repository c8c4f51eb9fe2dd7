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

/** UTF-8 length of a short string without encoding it (each half of a surrogate pair counts 2). */
function byteLengthSmall(s: string): number {
  let n = s.length
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c > 0x7f) n += c > 0x7ff && (c < 0xd800 || c > 0xdfff) ? 2 : 1
  }
  return n
}
