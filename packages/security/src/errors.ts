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
