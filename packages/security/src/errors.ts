/**
 * Base class of every error Polyhost throws. `code` is stable across releases and safe to
 * switch on; `message` is for people.
 */
export abstract class PolyhostError extends Error {
  abstract readonly code: string
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

/**
 * An invalid or unenforceable policy or limit configuration. `field` names the offending
 * field as a path (`libraries.allow[2]`, `limits.timeoutMs`).
 */
export class PolicyError extends PolyhostError {
  override readonly name = 'PolicyError'
  readonly code = 'E_POLICY'
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(field ? `${field}: ${message}` : message)
  }
}

/** The longest part of a caller's string an error message quotes. */
const QUOTED_CHARS = 40

/**
 * A caller's string as an error message quotes it: JSON-quoted, cut after 40 characters with
 * `…` and its length (a 100,000-character id would otherwise be the whole message). The cut
 * never splits a surrogate pair.
 */
export function quoteText(s: string): string {
  if (s.length <= QUOTED_CHARS) return JSON.stringify(s)
  const head = /[\uD800-\uDBFF]$/.test(s.slice(0, QUOTED_CHARS)) ? s.slice(0, QUOTED_CHARS - 1) : s.slice(0, QUOTED_CHARS)
  return `${JSON.stringify(`${head}…`)} (${s.length} characters)`
}

/** A short description of an untrusted value for error messages (`-1`, `"5"`, `an array`, `a function`). */
export function describeValue(v: unknown): string {
  if (typeof v === 'string') return quoteText(v)
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v)
  if (typeof v === 'function') return 'a function'
  if (typeof v !== 'object') return typeof v
  return Array.isArray(v) ? 'an array' : 'an object'
}
