import {
  BridgeError,
  CancelledError,
  ClosedError,
  ConversionError,
  EngineCrashedError,
  EngineNotFoundError,
  InvalidArgumentError,
  LimitExceededError,
  type LimitName,
  PolicyError,
  PolyhostError,
  PoolExhaustedError,
  ScriptRuntimeError,
  ScriptSyntaxError,
  SecurityViolationError,
} from '@polyhost/core'
import { JobFailedError, RetryableError, ScriptNotFoundError } from './errors.js'
import { decodeValue, encodeValue } from './value-codec.js'

/** A Polyhost error as it is stored beside a failed job: class name, message and fields. */
export interface StoredError {
  readonly name: string
  readonly code: string
  readonly message: string
  readonly fields: Readonly<Record<string, unknown>>
}

/** Turns an error into JSON-safe data that {@link rebuildError} makes the same class from. */
export function storeError(e: unknown): StoredError {
  if (!(e instanceof PolyhostError)) {
    const message = e instanceof Error ? e.message : String(e)
    return { name: 'JobFailedError', code: 'E_JOB_FAILED', message, fields: {} }
  }
  const fields: Record<string, unknown> = {}
  for (const key of FIELDS[e.name] ?? []) {
    const v = (e as unknown as Record<string, unknown>)[key]
    if (v !== undefined) fields[key] = v
  }
  if (e instanceof ScriptRuntimeError && e.thrown !== undefined) {
    // the thrown value may be anything a script makes: keep it only when it can be cloned
    try {
      fields.thrown = { encoded: encodeValue(e.thrown) }
    } catch {
      delete fields.thrown
    }
  }
  return { name: e.name, code: e.code, message: e.message, fields }
}

/**
 * Rebuilds the error class a worker saw, with its `code`, limit, script name and position.
 * Unknown names (a newer worker, a foreign failure) become JobFailedError.
 */
export function rebuildError(s: StoredError, jobId: string): Error {
  // biome-ignore lint/suspicious/noExplicitAny: fields were written by storeError for this class
  const f = s.fields as Record<string, any>
  switch (s.name) {
    case 'ScriptSyntaxError':
      return new ScriptSyntaxError(s.message, f.scriptName, f.line, f.column)
    case 'ScriptRuntimeError': {
      const thrown = f.thrown as { encoded: string } | undefined
      return new ScriptRuntimeError(s.message, f.scriptName, f.line, f.column, f.scriptStack, thrown && decodeValue(thrown.encoded))
    }
    case 'LimitExceededError':
      return new LimitExceededError(f.limit as LimitName, f.used, f.max)
    case 'BridgeError':
      return new BridgeError(s.message, f.path)
    case 'ConversionError':
      return new ConversionError(f.path, f.reason)
    case 'PolicyError': {
      const field = String(f.field ?? '')
      return new PolicyError(field, field && s.message.startsWith(`${field}: `) ? s.message.slice(field.length + 2) : s.message)
    }
    case 'ScriptNotFoundError':
      return new ScriptNotFoundError(f.ref, f.version)
    case 'JobFailedError':
      return new JobFailedError(s.message, jobId)
  }
  const Plain = PLAIN[s.name]
  return Plain ? new Plain(s.message) : new JobFailedError(s.message, jobId)
}

// --- internal ---

/** Own fields each class takes in its constructor (message aside). */
const FIELDS: Record<string, readonly string[]> = {
  ScriptSyntaxError: ['scriptName', 'line', 'column'],
  ScriptRuntimeError: ['scriptName', 'line', 'column', 'scriptStack'],
  LimitExceededError: ['limit', 'used', 'max'],
  BridgeError: ['path'],
  ConversionError: ['path', 'reason'],
  PolicyError: ['field'],
  ScriptNotFoundError: ['ref', 'version'],
}

/** Classes whose constructor takes the message only. */
const PLAIN: Record<string, new (message: string) => Error> = {
  SecurityViolationError,
  CancelledError,
  EngineNotFoundError,
  PoolExhaustedError,
  EngineCrashedError,
  ClosedError,
  InvalidArgumentError,
  RetryableError,
}
