import { isPlainObject } from './safe-object.js'

/**
 * Whether `read` — a value converted back from a script — carries exactly the data of
 * `sent`, what a custom type's `toScript` produced for the script. Engines rebuild a custom
 * value with `fromScript` only then: a value the script modified comes back as plain data,
 * so `fromScript` never sees script-made input dressed as the host's own.
 *
 * The comparison follows the value model: numbers by value (a bigint equals the number it
 * crossed as), byte arrays by content, arrays by length and items, objects and string-keyed
 * Maps by their defined entries (an `undefined` entry never crosses). Anything else (a
 * class instance, a function) matches only itself.
 */
export function sameData(read: unknown, sent: unknown, depth = 0): boolean {
  if (Object.is(read, sent)) return true
  if (typeof sent === 'bigint') return typeof read === 'number' && BigInt(read) === sent
  if (typeof read === 'number' && typeof sent === 'number') return read === sent // 0 and -0 cross alike in some engines
  if (read === null || sent === null || typeof read !== 'object' || typeof sent !== 'object' || depth > 200) return false
  if (sent instanceof Uint8Array) return read instanceof Uint8Array && sameBytes(read, sent)
  if (sent instanceof Date) return read instanceof Date && Object.is(read.getTime(), sent.getTime())
  if (Array.isArray(sent)) {
    if (!Array.isArray(read) || read.length !== sent.length) return false
    for (let i = 0; i < sent.length; i++) if (!sameData(read[i], sent[i], depth + 1)) return false
    return true
  }
  const entries = sent instanceof Map ? [...sent.entries()] : isPlainObject(sent) ? Object.entries(sent) : undefined
  if (!entries || !isPlainObject(read)) return false
  let n = 0
  for (const [k, v] of entries) {
    if (v === undefined) continue
    n++
    if (typeof k !== 'string' || !Object.hasOwn(read, k) || !sameData(read[k], v, depth + 1)) return false
  }
  return Object.keys(read).length === n
}

// --- internal ---

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
