import { inspect } from 'node:util'

/**
 * A script's value as JSON the page can show: bigints become `{ $bigint: '…' }`, byte arrays
 * `{ $bytes: '<base64>' }`, dates ISO strings (an invalid date `null`, as in `JSON.stringify`;
 * `text` reads `Invalid Date`), non-finite numbers `{ $number: 'NaN' }` and `-0` `{ $number: '-0' }`,
 * `undefined` `null`; maps become objects. `text` is the readable form (`util.inspect`); an
 * absent value reads as `language` names it (`nil` in Lua, as the CLI prints it), while JS's
 * `null` and `undefined` stay apart as JS prints them.
 */
export function toJsonValue(value: unknown, language?: string): { value: unknown; text: string } {
  const absent = absentName(value, language)
  return {
    value: toJsonData(value),
    text: absent || inspect(value, { depth: 6, breakLength: 100, maxArrayLength: 200, maxStringLength: 10_000 }),
  }
}

/**
 * The JSON part of {@link toJsonValue} alone: a value JSON.stringify writes without losing
 * its type (`1n` is `{ $bigint: '1' }`, never the string `'1'`). `polyhost eval --json`
 * writes its values with it too, so the CLI and the page read alike.
 *
 * @example
 * JSON.stringify(toJsonData([1n, Number.NaN, '1'])) // '[{"$bigint":"1"},{"$number":"NaN"},"1"]'
 */
export function toJsonData(value: unknown): unknown {
  return convert(value, new Set())
}

/**
 * The name `language` gives an absent value (`nil` in Lua, whose null and undefined are one),
 * or undefined when `value` is present or the language keeps null and undefined apart.
 */
export function absentName(value: unknown, language: string | undefined): string | undefined {
  return (value === null || value === undefined) && language ? ABSENT_NAME[language] : undefined
}

// --- internal ---

// languages with a single absent value, and its name there
const ABSENT_NAME: Readonly<Record<string, string>> = { lua: 'nil' }

function convert(v: unknown, seen: Set<object>): unknown {
  if (v === undefined || v === null) return null
  if (typeof v === 'bigint') return { $bigint: v.toString() }
  // JSON.stringify writes -0 as 0: the sign of a zero goes as `{ $number: '-0' }`, as NaN and the infinities do
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0) ? v : { $number: Object.is(v, -0) ? '-0' : String(v) }
  if (typeof v === 'string' || typeof v === 'boolean') return v
  if (typeof v === 'function') return { $function: v.name || 'anonymous' }
  if (typeof v !== 'object') return String(v)
  // an invalid date has no ISO form (toISOString throws): null, as JSON.stringify gives it
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString()
  if (v instanceof Uint8Array) return { $bytes: Buffer.from(v).toString('base64') }
  if (seen.has(v)) return { $cycle: true }
  seen.add(v)
  try {
    if (Array.isArray(v)) return v.map((x) => convert(x, seen))
    const entries = v instanceof Map ? [...v.entries()] : Object.entries(v)
    return Object.fromEntries(entries.map(([k, x]) => [String(k), convert(x, seen)]))
  } finally {
    seen.delete(v)
  }
}
