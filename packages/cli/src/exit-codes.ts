import {
  BridgeError,
  ConversionError,
  EngineNotFoundError,
  InvalidArgumentError,
  LimitExceededError,
  PolicyError,
  ScriptRuntimeError,
  ScriptSyntaxError,
  SecurityViolationError,
} from '@polyhost/core'

/** Process exit codes of the `polyhost` command. */
export const EXIT = {
  ok: 0,
  scriptError: 1,
  usage: 2,
  limit: 3,
  policy: 4,
} as const
export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

/** A bad command line: unknown flag, missing file, bad value. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
  readonly code = 'E_USAGE'
}

/** Maps an error to the exit code the command documents. */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof LimitExceededError) return EXIT.limit
  if (error instanceof PolicyError || error instanceof SecurityViolationError) return EXIT.policy
  if (error instanceof UsageError || error instanceof InvalidArgumentError || error instanceof EngineNotFoundError) return EXIT.usage
  if (
    error instanceof ScriptSyntaxError ||
    error instanceof ScriptRuntimeError ||
    error instanceof BridgeError ||
    error instanceof ConversionError
  ) {
    return EXIT.scriptError
  }
  return EXIT.scriptError
}

/** One line describing an error: `ScriptRuntimeError: demo.lua:3: boom`. */
export function describeError(error: unknown): string {
  if (error instanceof ScriptSyntaxError || error instanceof ScriptRuntimeError) {
    const where = error.line ? `${error.scriptName}:${error.line}: ` : ''
    const msg = error.message.startsWith(where) || !where ? error.message : `${where}${error.message}`
    return `${error.name}: ${oneLine(msg)}`
  }
  if (error instanceof Error) return `${error.name}: ${oneLine(error.message)}`
  return `Error: ${oneLine(String(error))}`
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim()
}
