import { boundText, engineScriptName, sanitizeScriptMessage, ScriptRuntimeError, ScriptSyntaxError } from '@polyhost/core/engine'
import { calleeAt, importLine } from './source-positions.js'

/** What the guest `describe` helper (or a dump) says about a thrown value. */
export interface ThrownInfo {
  readonly error: boolean
  readonly name?: string
  readonly message: string
  readonly stack?: string
  /** The whole text's length, when `describe` sent only what the host reads of it (boundText, stackLines). */
  readonly nameLength?: number
  readonly messageLength?: number
  readonly stackLength?: number
}

/** Where a script's text sits in what QuickJS evaluated. */
export interface ScriptOrigin {
  readonly name: string
  /** Lines the engine put before the script (a strict-mode prologue, a block). */
  readonly lineOffset: number
  /** Columns the engine put before the script's first line. */
  readonly columnOffset?: number
  /** The script's own text, to name what QuickJS's messages leave out (see source-positions.ts). */
  readonly source?: string
}

/** A stack line's parts: `    at name (file:line:col)` or `    at file:line:col`. */
type Frame = readonly [whole: string, at: string, fn: string | undefined, file: string, line: string, col: string]

/**
 * Reads a stack line as `/^(\s*at )(?:(.*?) \()?(.+?):(\d+):(\d+)\)?$/` would, in one pass:
 * the stack is the script's to write (`e.stack = …`), and that pattern backtracks
 * quadratically on a long line that does not end in `:line:col` (a 150 KB line held the
 * host ~9 s after the script had ended).
 */
export function parseFrame(raw: string): Frame | undefined {
  const at = AT.exec(raw)?.[0]
  if (at === undefined) return undefined
  const body = raw.endsWith(')') ? raw.slice(at.length, -1) : raw.slice(at.length)
  if (LINE_BREAK.test(body)) return undefined
  const colStart = digitsBefore(body, body.length)
  if (colStart === body.length || body[colStart - 1] !== ':') return undefined
  const lineStart = digitsBefore(body, colStart - 1)
  if (lineStart === colStart - 1 || body[lineStart - 1] !== ':') return undefined
  const rest = body.slice(0, lineStart - 1)
  const open = rest.indexOf(' (')
  const named = open >= 0 && open + 2 < rest.length
  const file = named ? rest.slice(open + 2) : rest
  if (!file) return undefined
  return [raw, at, named ? rest.slice(0, open) : undefined, file, body.slice(lineStart, colStart - 1), body.slice(colStart)]
}

const AT = /^\s*at /
/** Characters `.` does not match: a line holding one is not a frame. */
const LINE_BREAK = /[\n\r\u2028\u2029]/

/** The index where the run of ASCII digits ending at `end` (exclusive) starts. */
function digitsBefore(text: string, end: number): number {
  let i = end
  while (i > 0 && text.charCodeAt(i - 1) >= 48 && text.charCodeAt(i - 1) <= 57) i--
  return i
}

/** Where QuickJS puts code it evaluated without a name, and compiled expression scripts. */
const EVAL_FILE = '<input>'
export const EXPRESSION_FILE = '<expr>'

/** A native frame that runs a text of its own: what `<input>` frames above it are. */
const RUNS_TEXT = /^\s*at (?:eval|Function|AsyncFunction|GeneratorFunction|AsyncGeneratorFunction) \(native\)$/

/**
 * Rewrites a QuickJS stack into the script's own terms: eval frames (`<input>`) and
 * compiled expressions (`<expr>`, whose outermost frame reads `<eval>` like an evaluated
 * script's) become the script name, lines lose the engine's prologue, per-execution module
 * suffixes (`util#7`) and engine-internal frames disappear, host paths are masked.
 *
 * A classic script runs as eval'd text, so its frames are `<input>`, as are those of any other
 * text QuickJS parses: JSON.parse's text, what the script hands to `eval` or a Function
 * constructor. Those stay `<input>` with their own positions: a frame without a function name
 * (where such a text failed to parse: the script's own text was parsed before it ran) and
 * every frame above the script's call of eval or a Function constructor.
 */
export function scriptStack(stack: string | undefined, origin: ScriptOrigin): string {
  return ownStack(stack, origin).replaceAll(OWN_NAME, origin.name)
}

/** scriptStack with the script's own name as OWN_NAME: its frames stay one line each whatever the name holds. */
function ownStack(stack: string | undefined, origin: ScriptOrigin, length?: number): string {
  if (!stack) return ''
  const out: string[] = []
  let outermost = -1
  const lines = stackLines(stack, length).filter((l) => l.trim())
  // the name QuickJS compiled the script under (controls escaped)
  const own = engineScriptName(origin.name)
  const other = otherTexts(lines, own)
  for (const [i, raw] of lines.entries()) {
    const m = parseFrame(raw)
    if (!m) {
      if (!/\bat eval \(native\)/.test(raw)) out.push(raw)
      continue
    }
    const [, at, fn, file = '', line = '0', col = '0'] = m
    if (file === '<setup>') continue
    if (file === EVAL_FILE && (fn === undefined || other[i])) {
      out.push(fn === undefined ? `${at}${file}:${line}:${col}` : `${at}${fn} (${file}:${line}:${col})`)
      continue
    }
    const unnamed = file === EVAL_FILE || file === EXPRESSION_FILE
    const ownFile = unnamed || file === own
    const name = ownFile ? OWN_NAME : file.replace(/#\d+$/, '')
    const n = ownFile ? Math.max(1, Number(line) - origin.lineOffset) : Number(line)
    const c = ownFile && n === 1 ? Math.max(1, Number(col) - (origin.columnOffset ?? 0)) : Number(col)
    if (file === EXPRESSION_FILE) outermost = out.length
    out.push(fn === undefined ? `${at}${name}:${n}:${c}` : `${at}${fn} (${name}:${n}:${c})`)
  }
  if (outermost >= 0) out[outermost] = (out[outermost] as string).replace(/^(\s*at )<anonymous> /, '$1<eval> ')
  // the host's own name for the script stays as given, even when it is a path (`/srv/rules/a.js`)
  return sanitizeScriptMessage(out.join('\n'))
}

/**
 * The most of a stack's text the host reads, half from each end. QuickJS's own stacks stay far
 * below it (its stack limit ends them near 1,500 frames, ~36 KB), but `stack` is the script's to
 * write: 16 MB of frame lines, well inside standard's memory limit, held the host ~13 s after a
 * script whose limit was 5 s (every line parsed, renamed and sanitised).
 */
export const STACK_TEXT = 256 * 1024

/**
 * A stack's lines, its middle left out (and counted) when it is longer than STACK_TEXT. `length`
 * is the whole stack's when `stack` is what the guest's `describe` sent of it: its first
 * half and one character more, then its last half.
 */
function stackLines(stack: string, length = stack.length): string[] {
  if (length <= STACK_TEXT) return stack.split('\n')
  const half = STACK_TEXT / 2
  const first = stack.slice(0, half + 1)
  const last = stack.slice(length === stack.length ? length - half : half + 1)
  // cut at line ends where there are any, so the lines kept are whole
  const headEnd = first.lastIndexOf('\n', half)
  const tailStart = last.indexOf('\n')
  const head = first.slice(0, headEnd > 0 ? headEnd : half)
  const tail = tailStart >= 0 ? last.slice(tailStart + 1) : last
  const omitted = `    … ${length - head.length - tail.length} characters of the stack left out`
  return [...head.split('\n'), omitted, ...tail.split('\n')]
}

/** The host keeps core's MESSAGE_TEXT characters of a thrown value's message and name (boundText). */
export { MESSAGE_TEXT } from '@polyhost/core/engine'

/** Where the script's own name goes in a stack while host paths are masked. */
const OWN_NAME = '\u0001script\u0001'

/** The first position in a (cleaned) stack that belongs to the script itself. */
export function positionIn(stack: string, scriptName: string): { line?: number; column?: number } {
  for (const raw of stack.split('\n')) {
    const m = parseFrame(raw)
    if (m && m[3] === scriptName) return { line: Number(m[4]), column: Number(m[5]) }
  }
  return {}
}

/** A script's uncaught exception as a ScriptRuntimeError (`TypeError: boom`, line, column). */
export function runtimeError(info: ThrownInfo, origin: ScriptOrigin, thrown?: unknown): ScriptRuntimeError {
  const frames = ownStack(info.stack, origin, info.stackLength)
  const stack = frames.replaceAll(OWN_NAME, origin.name)
  let { line, column } = positionIn(frames, OWN_NAME)
  let text = boundText(info.message, info.messageLength)
  if (info.error && origin.source !== undefined) {
    const missing = MISSING_MODULE.exec(text)
    // the loader's error has no frame of the import (or, for `import()`, the script's first line)
    const at = missing?.[1] === undefined ? undefined : importLine(origin.source, missing[1])
    if (at !== undefined) {
      line = at
      column = undefined
    } else if (text === NOT_A_FUNCTION && line !== undefined && column !== undefined && ownTopFrame(frames, OWN_NAME)) {
      const callee = calleeAt(origin.source, line, column)
      if (callee) text = `${callee.name} is not a ${callee.construct ? 'constructor' : 'function'}`
    }
  }
  // a thrown object with a string `message` reads as that message, as a thrown table does in engine-lua
  const own = !info.error && isRecord(thrown) && typeof thrown.message === 'string' ? boundText(thrown.message) : undefined
  const message = info.error
    ? `${info.name === undefined ? 'Error' : boundText(info.name, info.nameLength)}: ${text}`
    : (own ?? `uncaught ${text}`)
  return new ScriptRuntimeError(message, origin.name, line, column, stack || undefined, thrown)
}

/** A parse failure as a ScriptSyntaxError with the script's own line and column. */
export function syntaxError(info: ThrownInfo, origin: ScriptOrigin): ScriptSyntaxError {
  const { line, column } = positionIn(ownStack(info.stack, origin, info.stackLength), OWN_NAME)
  return new ScriptSyntaxError(`SyntaxError: ${boundText(info.message, info.messageLength)}`, origin.name, line, column)
}

// --- internal ---

/** For each line, whether it is above the script's own call of eval or a Function constructor. */
function otherTexts(lines: readonly string[], scriptName: string): boolean[] {
  const other = lines.map(() => false)
  let started = false
  let above = false
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] as string
    if (started && RUNS_TEXT.test(line)) above = true
    else if (!started) {
      const file = parseFrame(line)?.[3]
      started = file === EVAL_FILE || file === EXPRESSION_FILE || file === scriptName
    }
    other[i] = above
  }
  return other
}

const NOT_A_FUNCTION = 'not a function'
const MISSING_MODULE = /^module '(.+)' is not available$/

/** Whether the innermost frame is the script's own (not a builtin it called, such as `map`). */
function ownTopFrame(stack: string, scriptName: string): boolean {
  const top = stack.split('\n').find((l) => /^\s*at /.test(l))
  return top !== undefined && parseFrame(top)?.[3] === scriptName
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
