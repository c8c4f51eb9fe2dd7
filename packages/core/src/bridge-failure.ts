import { BridgeError, ScriptRuntimeError } from './errors.js'
import { hostErrorText, sanitizeScriptMessage } from './sanitize.js'

/**
 * A handler's result the script cannot receive (`failure`: why the engine or the worker
 * boundary refused it), worded alike in every engine and mode: `kv.get: invalid return value: …`.
 */
export function invalidReturnValue(path: string, failure: unknown): BridgeError {
  const message = failure instanceof Error ? hostErrorText(failure) : sanitizeScriptMessage(String(failure))
  return new BridgeError(`${path}: invalid return value: ${message}`, path, { cause: failure })
}

/**
 * A script's argument that cannot cross to the host (a function, a coroutine, a cycle):
 * a bad argument like one its schema refuses, worded alike in every engine and mode:
 * `kv.get: argument 1: $: cannot convert a Lua function to a host value`.
 */
export function invalidArgument(path: string, index: number, failure: unknown): BridgeError {
  const message = failure instanceof Error ? hostErrorText(failure) : sanitizeScriptMessage(String(failure))
  return new BridgeError(`${path}: argument ${index + 1}: ${message}`, path, { cause: failure })
}

/**
 * A script that did not catch a bridge failure ends with the engine's ScriptRuntimeError for
 * the error the bridge threw into it. The host reports that as the BridgeError it is, in every
 * engine and mode alike: the failure's own message (without the `Error: ` or `name.lua:3: `
 * an engine puts before it), the method's `path`, the handler's error as `cause`, the script
 * position kept. Recognised by that text: a script that caught the failure and threw its own
 * error ends with another.
 */
export function asBridgeError(e: unknown, execution: BridgeFailureSite): unknown {
  const failure = execution.bridgeFailure
  if (!failure || !(e instanceof ScriptRuntimeError)) return e
  const seen = hostErrorText(failure.error)
  if (!seen || stripPrefixes(e.message, e.scriptName) !== seen) return e
  const cause = failure.error instanceof BridgeError && failure.error.cause !== undefined ? failure.error.cause : failure.error
  return new BridgeError(seen, failure.path, { cause, scriptName: e.scriptName, line: e.line, column: e.column })
}

/** What `asBridgeError` reads of an execution (`Execution` is one). */
interface BridgeFailureSite {
  readonly bridgeFailure: { readonly path: string; readonly error: unknown } | undefined
}

/** The message without an error-class prefix (`TypeError: `) and a position prefix (`name:3: `). */
function stripPrefixes(message: string, scriptName: string): string {
  const text = message.replace(/^[A-Za-z]*Error: /, '')
  const at = `${scriptName}:`
  if (!text.startsWith(at)) return text
  const rest = /^\d+: /.exec(text.slice(at.length))
  return rest ? text.slice(at.length + rest[0].length) : text
}
