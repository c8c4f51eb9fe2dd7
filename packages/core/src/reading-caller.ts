import { InvalidArgumentError, PolyhostError } from './errors.js'

// One way to read what a caller passed in (options, requests, definitions): a getter that
// throws or a Proxy trap that throws is the caller's bad argument, reported with the `code`
// every Polyhost error has, never as the raw error of the caller's own code.

/**
 * Runs a step that reads the caller's objects: a getter that throws or a revoked Proxy
 * becomes an InvalidArgumentError naming `what` (the checks' own errors pass through).
 *
 * @example
 * const def = readingCaller('bridges.register: the definition', () => check(input))
 * // a throwing getter → InvalidArgumentError("bridges.register: the definition could not be read (boom)")
 */
export function readingCaller<T>(what: string, read: () => T): T {
  try {
    return read()
  } catch (e) {
    if (e instanceof PolyhostError) throw e
    throw new InvalidArgumentError(`${what} could not be read (${e instanceof Error ? e.message : String(e)})`)
  }
}
