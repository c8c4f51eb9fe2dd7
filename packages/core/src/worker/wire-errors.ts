import { PolicyError } from '@polyhost/security'
import {
  BridgeError,
  CancelledError,
  ClosedError,
  ConversionError,
  EngineCrashedError,
  EngineNotFoundError,
  InvalidArgumentError,
  LimitExceededError,
  PoolExhaustedError,
  ScriptRuntimeError,
  ScriptSyntaxError,
  SecurityViolationError,
} from '../errors.js'

/**
 * An error as it crosses the thread boundary. Structured clone keeps only `name`, `message`
 * and `stack` of built-in errors, so each typed error travels as its fields and is rebuilt as
 * the same class on the other side (`instanceof` keeps working for callers and engines).
 */
export interface WireError {
  readonly name: string
  readonly message: string
  readonly fields?: Readonly<Record<string, unknown>>
}

/** Encodes any thrown value; unknown classes become `{ name, message }`. */
export function encodeError(e: unknown): WireError {
  if (!(e instanceof Error)) return { name: 'Error', message: typeof e === 'string' ? e : String(e) }
  const f = e as unknown as Record<string, unknown>
  switch (e.name) {
    case 'LimitExceededError':
      return { name: e.name, message: e.message, fields: { limit: f.limit, used: f.used, max: f.max } }
    case 'BridgeError':
      return { name: e.name, message: e.message, fields: { path: f.path } }
    case 'ConversionError':
      return { name: e.name, message: e.message, fields: { path: f.path, reason: f.reason } }
    case 'ScriptSyntaxError':
      return { name: e.name, message: e.message, fields: { scriptName: f.scriptName, line: f.line, column: f.column } }
    case 'ScriptRuntimeError':
      return {
        name: e.name,
        message: e.message,
        fields: { scriptName: f.scriptName, line: f.line, column: f.column, scriptStack: f.scriptStack, thrown: cloneable(f.thrown) },
      }
    case 'PolicyError':
      return { name: e.name, message: e.message, fields: { field: f.field } }
    default:
      return { name: e.name, message: e.message }
  }
}

/** Rebuilds the typed error encoded by `encodeError`. */
export function decodeError(w: WireError): Error {
  // biome-ignore lint/suspicious/noExplicitAny: fields were written by encodeError for this very class
  const f = (w.fields ?? {}) as Record<string, any>
  let e: Error
  switch (w.name) {
    case 'LimitExceededError':
      e = new LimitExceededError(f.limit, f.used, f.max)
      break
    case 'BridgeError':
      e = new BridgeError(w.message, f.path)
      break
    case 'ConversionError':
      e = new ConversionError(f.path, f.reason)
      break
    case 'ScriptSyntaxError':
      e = new ScriptSyntaxError(w.message, f.scriptName, f.line, f.column)
      break
    case 'ScriptRuntimeError':
      e = new ScriptRuntimeError(w.message, f.scriptName, f.line, f.column, f.scriptStack, f.thrown)
      break
    case 'PolicyError':
      e = Object.assign(new PolicyError('', w.message), { field: f.field })
      break
    default: {
      const Simple = SIMPLE[w.name]
      e = Simple ? new Simple(w.message) : Object.assign(new Error(w.message), { name: w.name })
    }
  }
  // the original message wins: constructors may have rebuilt it (LimitExceededError)
  if (e.message !== w.message) Object.defineProperty(e, 'message', { value: w.message, writable: true, configurable: true })
  return e
}

// --- internal ---

const SIMPLE: Record<string, new (message: string) => Error> = {
  SecurityViolationError,
  CancelledError,
  EngineCrashedError,
  EngineNotFoundError,
  PoolExhaustedError,
  ClosedError,
  InvalidArgumentError,
}

function cloneable(v: unknown): unknown {
  if (v === undefined || v === null || typeof v !== 'object') return typeof v === 'function' || typeof v === 'symbol' ? undefined : v
  try {
    structuredClone(v)
    return v
  } catch {
    return undefined
  }
}
