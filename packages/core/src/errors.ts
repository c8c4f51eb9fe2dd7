import { type LimitName, PolicyError, PolyhostError } from '@polyhost/security'
import { sanitizeScriptMessage } from './sanitize.js'

export { PolicyError, PolyhostError, sanitizeScriptMessage }

/** The script did not parse. */
export class ScriptSyntaxError extends PolyhostError {
  override readonly name = 'ScriptSyntaxError'
  readonly code = 'E_SYNTAX'
  constructor(
    message: string,
    readonly scriptName: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(sanitizeScriptMessage(message, scriptName))
  }
}

/** The script threw (or errored) and did not catch it. */
export class ScriptRuntimeError extends PolyhostError {
  override readonly name = 'ScriptRuntimeError'
  readonly code = 'E_RUNTIME'
  constructor(
    message: string,
    readonly scriptName: string,
    readonly line?: number,
    readonly column?: number,
    /** The script's own stack (script frames only), if the engine has one. */
    readonly scriptStack?: string,
    /** The value the script threw, converted to the host when possible. */
    readonly thrown?: unknown,
  ) {
    super(sanitizeScriptMessage(message, scriptName))
    if (scriptStack !== undefined) this.scriptStack = sanitizeScriptMessage(scriptStack, scriptName)
  }
}

/** A resource limit tripped. The state that ran the script is discarded. */
export class LimitExceededError extends PolyhostError {
  override readonly name = 'LimitExceededError'
  readonly code = 'E_LIMIT'
  constructor(
    readonly limit: LimitName,
    readonly used: number,
    readonly max: number,
    /** What the bound was, when it is not the limit the caller set (e.g. a worker's heap). */
    bound?: string,
  ) {
    super(`${limit} limit exceeded (${used} > ${max}${bound === undefined ? '' : `: ${bound}`})`)
    if (bound !== undefined) this.bound = bound
  }
  /** Set when the bound reached was not the limit the caller set (a worker's heap). */
  declare readonly bound?: string
}

/** The script tried something its policy forbids. */
export class SecurityViolationError extends PolyhostError {
  override readonly name = 'SecurityViolationError'
  readonly code = 'E_SECURITY'
}

/**
 * A bridge call failed: bad arguments, a throwing handler, a result the script cannot
 * receive, or a bad registration. When the script does not catch the failure, the host gets
 * this error with the handler's error as `cause` and the script position (`scriptName`,
 * `line`, `column`) of the uncaught error.
 */
export class BridgeError extends PolyhostError {
  override readonly name = 'BridgeError'
  readonly code = 'E_BRIDGE'
  // declared, not initialised: present only on an uncaught failure (no undefined own fields)
  declare readonly scriptName?: string
  declare readonly line?: number
  declare readonly column?: number
  constructor(
    message: string,
    /** `'kv.get'`, or the bridge name for registration errors. */
    readonly path: string,
    options?: { cause?: unknown; scriptName?: string | undefined; line?: number | undefined; column?: number | undefined },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    const at = this as { scriptName?: string; line?: number; column?: number }
    if (options?.scriptName !== undefined) at.scriptName = options.scriptName
    if (options?.line !== undefined) at.line = options.line
    if (options?.column !== undefined) at.column = options.column
  }
}

/** A value could not cross the boundary. `path` is where (`$.a.b[3]`). */
export class ConversionError extends PolyhostError {
  override readonly name = 'ConversionError'
  readonly code = 'E_CONVERSION'
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`)
  }
}

/** The caller's AbortSignal fired, or the host closed, before the execution finished. */
export class CancelledError extends PolyhostError {
  override readonly name = 'CancelledError'
  readonly code = 'E_CANCELLED'
}

/** No engine handles the requested language or file extension. */
export class EngineNotFoundError extends PolyhostError {
  override readonly name = 'EngineNotFoundError'
  readonly code = 'E_ENGINE_NOT_FOUND'
}

/** No state became free within the acquire timeout. */
export class PoolExhaustedError extends PolyhostError {
  override readonly name = 'PoolExhaustedError'
  readonly code = 'E_POOL_EXHAUSTED'
}

/** An engine failed in a way the script did not cause (a broken VM, a crashed worker). */
export class EngineCrashedError extends PolyhostError {
  override readonly name: string = 'EngineCrashedError'
  readonly code: string = 'E_ENGINE_CRASHED'
}

/**
 * The execution was not at fault: its worker was terminated because another execution on it
 * overran. Nothing of it was kept; running it again is safe as far as the host can tell
 * (its bridge calls did happen).
 */
export class InterruptedError extends EngineCrashedError {
  override readonly name = 'InterruptedError'
  override readonly code = 'E_INTERRUPTED'
  readonly retryable = true
}

/** A host, engine or pool was used after `close()`. */
export class ClosedError extends PolyhostError {
  override readonly name = 'ClosedError'
  readonly code = 'E_CLOSED'
}

/** A public function got an argument of the wrong shape (not a policy matter). */
export class InvalidArgumentError extends PolyhostError {
  override readonly name = 'InvalidArgumentError'
  readonly code = 'E_INVALID_ARGUMENT'
}

/** Errors that end an execution whatever the script does: never catchable by the script. */
export function isFatal(e: unknown): e is LimitExceededError | CancelledError | EngineCrashedError {
  return e instanceof LimitExceededError || e instanceof CancelledError || e instanceof EngineCrashedError
}

/** Fatal errors an execution ended with, once handed to its caller (see `endedAnExecution`). */
const ended = new WeakSet<object>()

/** Records that an execution ended with `e` (the host calls this as it rejects the caller). */
export function markEnded<E>(e: E): E {
  if (e !== null && typeof e === 'object') ended.add(e)
  return e
}

/** Whether some execution already ended with this error (so it is not a new fatal error). */
export function endedAnExecution(e: unknown): boolean {
  return e !== null && typeof e === 'object' && ended.has(e)
}
