import { inspect } from 'node:util'
import type { ExecutionResult, LogEntry } from '@polyhost/core'
import { absentName, toJsonData } from '@polyhost/playground'
import { describeError } from './exit-codes.js'
import { escapeForTerminal, escapeJsonForTerminal } from './terminal-text.js'

/** Where the command writes; injectable for tests. */
export interface CliIO {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  /**
   * Standard input's bytes, read until its end or until more than `maxBytes` were read, and
   * no further: more than `maxBytes` back means it is over the cap.
   */
  readonly readStdin: (maxBytes: number) => Promise<Uint8Array>
  readonly cwd: string
}

/**
 * Human output: the script's logs, then its result(s), one per line. Everything the script
 * wrote is escaped for the terminal (see terminal-text.ts). `language` names the absent
 * value as that language does (`nil` in Lua).
 */
export function printPretty(io: CliIO, r: ExecutionResult, withStats: boolean, language?: string): void {
  printLogs(io, r.logs)
  const shown = r.values.length > 1 ? r.values : r.value === undefined ? [] : [r.value]
  for (const v of shown) io.stdout(`${formatValue(v, language)}\n`)
  if (withStats) io.stderr(`stats: ${formatStats(r.stats)}\n`)
}

/** The script's captured lines: errors and warnings on stderr, the rest on stdout. */
export function printLogs(io: CliIO, logs: readonly LogEntry[]): void {
  for (const log of logs) {
    const write = log.level === 'error' || log.level === 'warn' ? io.stderr : io.stdout
    write(`${escapeForTerminal(log.message, { multiline: true })}\n`)
  }
}

/**
 * `--json`: exactly one JSON object on stdout. On an error, `logs` holds what the script
 * printed before it. DEL, C1 and format characters are `\u` escapes like C0 controls.
 */
export function printJson(io: CliIO, r: ExecutionResult | undefined, error: unknown, logs?: readonly LogEntry[]): void {
  // values in the playground's encoding: 1n and '1', NaN and 'NaN' stay apart
  const out = {
    value: toJsonData(r?.value ?? null),
    values: toJsonData(r?.values ?? []),
    stats: r?.stats ?? null,
    logs: r?.logs ?? logs ?? [],
    error: error === undefined ? null : toJsonData(errorJson(error)),
  }
  printJsonLine(io, out)
}

/**
 * `value` as one line of JSON on stdout, the only way the CLI writes JSON (`eval --json`,
 * `redis --json`): script text in it may hold DEL, C1 and format characters, which
 * JSON.stringify leaves raw; they are written as `\u` escapes, as C0 controls are.
 */
export function printJsonLine(io: CliIO, value: unknown): void {
  io.stdout(`${escapeJsonForTerminal(JSON.stringify(value))}\n`)
}

/** One escaped line on stderr: `ScriptRuntimeError: demo.lua:3: boom`. */
export function printError(io: CliIO, error: unknown): void {
  io.stderr(`${escapeForTerminal(describeError(error))}\n`)
}

/** A value as the pretty output shows it: strings as they are, others inspected; escaped. */
export function formatValue(v: unknown, language?: string): string {
  if (v === null || v === undefined) return absentName(v, language) ?? String(v)
  const text = typeof v === 'string' ? v : inspect(v, { depth: 8, colors: false, breakLength: 120 })
  return escapeForTerminal(text, { multiline: true })
}

// --- internal ---

function formatStats(s: ExecutionResult['stats']): string {
  return Object.entries(s)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? Math.round(v * 1000) / 1000 : String(v)}`)
    .join(' ')
}

function errorJson(e: unknown): Record<string, unknown> {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e) }
  const out: Record<string, unknown> = { name: e.name, message: e.message }
  for (const k of ['code', 'limit', 'used', 'max', 'line', 'column', 'scriptName', 'field', 'path'] as const) {
    const v = (e as unknown as Record<string, unknown>)[k]
    if (v !== undefined) out[k] = v
  }
  return out
}
