import { PolicyError } from '@polyhost/security'
import {
  BridgeError,
  CancelledError,
  ClosedError,
  ConversionError,
  EngineCrashedError,
  EngineNotFoundError,
  InterruptedError,
  InvalidArgumentError,
  LimitExceededError,
  PoolExhaustedError,
  ScriptRuntimeError,
  ScriptSyntaxError,
  SecurityViolationError,
} from '../errors.js'

/**
 * An error as data: what crosses a thread boundary (structured clone keeps only `name`,
 * `message` and `stack` of built-in errors) or is stored beside a job in Redis. Each typed
 * error travels as its fields and is rebuilt as the same class on the other side, so
 * `instanceof`, `code`, the limit name and the script position survive.
 */
export interface WireError {
  readonly name: string
  readonly message: string
  /** The error's `code` when it has a string one (also kept for classes this side does not know). */
  readonly code?: string
  readonly fields?: Readonly<Record<string, unknown>>
  /** The error's `cause`, when that is an error (two levels at most). */
  readonly cause?: WireError
}

/** How one error class crosses: the own fields it carries, and how it is made again from them. */
export interface ErrorClassCodec {
  /** Own fields to carry besides `message` and `code`; values that cannot be cloned are dropped. */
  readonly fields: readonly string[]
  // biome-ignore lint/suspicious/noExplicitAny: the fields were written by encodeError for this class
  rebuild(message: string, fields: Record<string, any>): Error
}

/**
 * Lets a package's own error classes cross like core's (`RetryableError`, `ScriptNotFoundError`
 * of @polyhost/queue): registered by class name, process-wide. Core's classes cannot be replaced.
 *
 * @example
 * registerErrorClass('ScriptNotFoundError', { fields: ['ref', 'version'], rebuild: (_, f) => new ScriptNotFoundError(f.ref, f.version) })
 */
export function registerErrorClass(name: string, codec: ErrorClassCodec): void {
  if (CORE.has(name)) throw new InvalidArgumentError(`registerErrorClass: '${name}' is a core error class`)
  CLASSES.set(name, codec)
}

/**
 * Encodes any thrown value; classes not registered keep their name, message and code. Never
 * throws: a value whose fields cannot be read (a Proxy, throwing getters) is encoded as what
 * could be read. `causes: false` leaves the cause chain out (what the host sends to a worker:
 * host errors behind a BridgeError stay on the host).
 */
export function encodeError(e: unknown, options: { causes?: boolean } = {}): WireError {
  return encode(e, options.causes === false ? MAX_CAUSE_DEPTH : 0)
}

/**
 * Rebuilds the error `encodeError` encoded, as its class when this side knows it; otherwise
 * as `unknown(w)` or, by default, an Error with the original name (and code).
 */
export function decodeError(w: WireError, options: { unknown?: (w: WireError) => Error } = {}): Error {
  const codec = CLASSES.get(w.name)
  let e: Error
  if (codec) e = codec.rebuild(w.message, { ...w.fields })
  else if (options.unknown) e = options.unknown(w)
  else e = Object.assign(new Error(w.message), { name: w.name }, w.code !== undefined && { code: w.code })
  // the original message wins: constructors may have rebuilt it (LimitExceededError)
  if (e.message !== w.message) Object.defineProperty(e, 'message', { value: w.message, writable: true, configurable: true })
  if (w.cause) Object.defineProperty(e, 'cause', { value: decodeError(w.cause, options), writable: true, configurable: true })
  return e
}

// --- internal ---

const MAX_CAUSE_DEPTH = 2

function encode(e: unknown, depth: number): WireError {
  try {
    if (!(e instanceof Error)) return { name: 'Error', message: typeof e === 'string' ? e : String(e) }
    const own = e as unknown as Record<string, unknown>
    const name = String(e.name)
    const fields: Record<string, unknown> = {}
    for (const key of CLASSES.get(name)?.fields ?? []) {
      const v = cloneable(own[key])
      if (v !== undefined) fields[key] = v
    }
    const code = own.code
    // read once: a getter may answer differently on a second read
    const cause = depth < MAX_CAUSE_DEPTH ? causeOf(e) : undefined
    return {
      name,
      message: String(e.message),
      ...(typeof code === 'string' && { code }),
      ...(Object.keys(fields).length > 0 && { fields }),
      ...(cause instanceof Error && { cause: encode(cause, depth + 1) }),
    }
  } catch {
    // a hostile or broken error object: its reads threw
    return { name: 'Error', message: 'an error whose fields could not be read' }
  }
}

/** `e.cause`, or undefined when reading it throws. */
function causeOf(e: Error): unknown {
  try {
    return e.cause
  } catch {
    return undefined
  }
}

const simple = (Class: new (message: string) => Error): ErrorClassCodec => ({ fields: [], rebuild: (message) => new Class(message) })

const CORE_CLASSES: Record<string, ErrorClassCodec> = {
  LimitExceededError: {
    fields: ['limit', 'used', 'max', 'bound'],
    rebuild: (_, f) => new LimitExceededError(f.limit, f.used, f.max, typeof f.bound === 'string' ? f.bound : undefined),
  },
  BridgeError: {
    fields: ['path', 'scriptName', 'line', 'column'],
    rebuild: (m, f) => new BridgeError(m, f.path, { scriptName: f.scriptName, line: f.line, column: f.column }),
  },
  ConversionError: { fields: ['path', 'reason'], rebuild: (_, f) => new ConversionError(f.path, f.reason) },
  ScriptSyntaxError: {
    fields: ['scriptName', 'line', 'column'],
    rebuild: (m, f) => new ScriptSyntaxError(m, f.scriptName, f.line, f.column),
  },
  ScriptRuntimeError: {
    fields: ['scriptName', 'line', 'column', 'scriptStack', 'thrown'],
    rebuild: (m, f) => new ScriptRuntimeError(m, f.scriptName, f.line, f.column, f.scriptStack, f.thrown),
  },
  PolicyError: {
    fields: ['field'],
    rebuild: (m, f) => {
      const field = typeof f.field === 'string' ? f.field : ''
      return new PolicyError(field, field && m.startsWith(`${field}: `) ? m.slice(field.length + 2) : m)
    },
  },
  SecurityViolationError: simple(SecurityViolationError),
  CancelledError: simple(CancelledError),
  EngineCrashedError: simple(EngineCrashedError),
  InterruptedError: simple(InterruptedError),
  EngineNotFoundError: simple(EngineNotFoundError),
  PoolExhaustedError: simple(PoolExhaustedError),
  ClosedError: simple(ClosedError),
  InvalidArgumentError: simple(InvalidArgumentError),
}

const CORE = new Set(Object.keys(CORE_CLASSES))
const CLASSES = new Map<string, ErrorClassCodec>(Object.entries(CORE_CLASSES))

function cloneable(v: unknown): unknown {
  if (v === undefined || v === null || typeof v !== 'object') return typeof v === 'function' || typeof v === 'symbol' ? undefined : v
  try {
    structuredClone(v)
    return v
  } catch {
    return undefined
  }
}
