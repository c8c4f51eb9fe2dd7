import { decodeUtf8, LimitExceededError } from '@polyhost/core'
import { type PresetName, SecurityManager } from '@polyhost/security'
import { parseExactJson } from './exact-json.js'
import { UsageError } from './exit-codes.js'
import { readInputFile } from './read-input.js'

// What `run`, `eval` and `check` read besides the command line: the script (a file or stdin)
// and the JSON of `--globals-json` / `--context-json`. Each is capped before it is read
// whole, and must be UTF-8 (see utf8.ts).

/**
 * The most bytes a `--globals-json` / `--context-json` file (and a `polyhost redis` input
 * file) may hold: 16 MiB, the largest source limit of a preset (`minimal`).
 */
export const INPUT_FILE_BYTES = 16 * 1024 * 1024

/** The source limit (`sourceBytes`) of the policy the command runs under. */
export function sourceLimit(policy: PresetName | undefined, limits: Record<string, unknown>): number {
  const { sourceBytes } = SecurityManager.resolve(policy ?? 'standard', limits).policy.limits
  return sourceBytes === false ? Number.MAX_SAFE_INTEGER : sourceBytes
}

/**
 * The script of `run`/`check`: a regular file only (a FIFO would hang the command, a device
 * never end), refused over the source limit from its size (LimitExceededError, exit 3),
 * before it is read.
 */
export async function readScriptFile(path: string, shown: string, command: string, maxBytes: number): Promise<string> {
  let bytes: Uint8Array
  try {
    bytes = await readInputFile(path, { maxBytes, shown, what: command, tooBig: sourceTooBig })
  } catch (e) {
    if ((e as { cause?: NodeJS.ErrnoException }).cause?.code === 'ENOENT') throw new UsageError(`no such file: ${shown}`)
    throw e
  }
  return decodeUtf8(bytes, shown, command)
}

/**
 * `eval`'s script from stdin: read until the source limit is passed, then no further; over it
 * is the `source` limit error `run` gives for a file too big (exit 3).
 */
export async function readScriptStdin(readStdin: (maxBytes: number) => Promise<Uint8Array>, maxBytes: number): Promise<string> {
  const bytes = await readStdin(maxBytes)
  // stdin's size is unknown: `used` is what was read before reading stopped
  if (bytes.length > maxBytes) throw sourceTooBig(bytes.length, maxBytes)
  return decodeUtf8(bytes, '<stdin>', 'eval')
}

/** A JSON object file (`--globals-json`, `--context-json`) of at most INPUT_FILE_BYTES; anything else is a UsageError. */
export async function readJsonObject(path: string, shown: string, flag: string): Promise<Record<string, unknown>> {
  let bytes: Uint8Array
  try {
    bytes = await readInputFile(path, { maxBytes: INPUT_FILE_BYTES, shown, what: flag })
  } catch (e) {
    if ((e as { cause?: NodeJS.ErrnoException }).cause?.code === 'ENOENT') throw new UsageError(`${flag}: no such file: ${shown}`)
    throw e
  }
  const text = decodeUtf8(bytes, shown, flag)
  let value: unknown
  try {
    value = parseExactJson(text, `${flag}: ${shown}`)
  } catch (e) {
    if (e instanceof UsageError) throw e
    throw new UsageError(`${flag}: ${shown} is not valid JSON (${(e as Error).message})`)
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`${flag}: ${shown} must hold a JSON object`)
  return value as Record<string, unknown>
}

// --- internal ---

function sourceTooBig(size: number, maxBytes: number): LimitExceededError {
  return new LimitExceededError('source', size, maxBytes)
}
