import { ScriptSyntaxError } from '../errors.js'

/**
 * FakeScript, the fake engine's language. One statement per line, each a JSON array
 * `[op, ...args]`; blank lines and lines starting with `#` are ignored.
 *
 * Statements: `["return", e...]` `["set", name, e]` `["setfield", target, key, e]`
 * `["throw", e]` `["print", e]` `["do", e]` `["loop", stmt...]` (forever)
 * `["try", stmt...]` (swallows catchable errors).
 *
 * Expressions: JSON null / booleans / strings; JSON numbers (integers when integral and
 * in range, else floats); `["num", x | "NaN" | "Infinity" | "-Infinity" | "-0"]` (float);
 * `["bytes", n...]`; `["array", e...]`; `["object", key, e, ...]`; `["get", name, key...]`
 * (keys: strings, or 0-based indices); `["has", name, key...]`; `["len", e]`;
 * `["call", fn, e...]` (awaits async results); `["try", e]` (the caught message, or
 * `"no error"`); `["eq", a, b]`; `["and", e...]`; `["kind", e]`; `["recurse", n]`
 * (n nested frames, -1 = unbounded); `["alloc", bytes]`; `["require", name]`;
 * `["random"]` (a float in [0, 1) from core's execution random source); `["now"]` (epoch ms).
 *
 * @example
 * ["set", "t", ["object", "a", 1]]
 * ["return", ["get", "t", "a"], ["num", "NaN"]]
 */
export type FakeExpr = null | boolean | number | string | readonly [string, ...unknown[]]

export interface FakeStatement {
  readonly line: number
  readonly op: string
  readonly args: readonly unknown[]
}

export interface FakeProgram {
  readonly statements: readonly FakeStatement[]
}

/** Operations and their arity: [min, max] arguments; `stmt` ones take statements. */
const STATEMENTS: Record<string, readonly [number, number, 'expr' | 'stmt' | 'named']> = {
  return: [0, Number.POSITIVE_INFINITY, 'expr'],
  set: [2, 2, 'named'],
  setfield: [3, 3, 'expr'],
  throw: [1, 1, 'expr'],
  print: [1, 1, 'expr'],
  do: [1, 1, 'expr'],
  loop: [1, Number.POSITIVE_INFINITY, 'stmt'],
  try: [1, Number.POSITIVE_INFINITY, 'stmt'],
}
const EXPRESSIONS: Record<string, readonly [number, number, 'expr' | 'named' | 'raw']> = {
  num: [1, 1, 'raw'],
  bytes: [0, Number.POSITIVE_INFINITY, 'raw'],
  array: [0, Number.POSITIVE_INFINITY, 'expr'],
  object: [0, Number.POSITIVE_INFINITY, 'raw'],
  get: [1, Number.POSITIVE_INFINITY, 'named'],
  has: [1, Number.POSITIVE_INFINITY, 'named'],
  len: [1, 1, 'expr'],
  call: [1, Number.POSITIVE_INFINITY, 'expr'],
  try: [1, 1, 'expr'],
  eq: [2, 2, 'expr'],
  and: [1, Number.POSITIVE_INFINITY, 'expr'],
  kind: [1, 1, 'expr'],
  recurse: [1, 1, 'expr'],
  alloc: [1, 1, 'expr'],
  require: [1, 1, 'raw'],
  random: [0, 0, 'raw'],
  now: [0, 0, 'raw'],
}

/** Parses FakeScript; a bad line is a ScriptSyntaxError naming the script and line. */
export function parseFakeScript(source: string, name: string): FakeProgram {
  const statements: FakeStatement[] = []
  const lines = source.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const text = (lines[i] as string).trim()
    if (text === '' || text.startsWith('#')) continue
    let node: unknown
    try {
      node = JSON.parse(text)
    } catch {
      throw new ScriptSyntaxError(`${name}:${i + 1}: a statement must be a JSON array`, name, i + 1, 1)
    }
    const fail = (msg: string) => new ScriptSyntaxError(`${name}:${i + 1}: ${msg}`, name, i + 1, 1)
    checkStatement(node, fail)
    const [op, ...args] = node as [string, ...unknown[]]
    statements.push({ line: i + 1, op, args })
  }
  return { statements }
}

// --- internal ---

function checkStatement(node: unknown, fail: (msg: string) => Error): void {
  if (!Array.isArray(node) || typeof node[0] !== 'string') throw fail('a statement must be an array starting with an operation name')
  const spec = STATEMENTS[node[0]]
  if (!spec || !Object.hasOwn(STATEMENTS, node[0])) throw fail(`unknown statement '${node[0]}'`)
  const args = node.slice(1)
  arity(node[0], args, spec, fail)
  if (spec[2] === 'stmt') for (const s of args) checkStatement(s, fail)
  else if (spec[2] === 'named') {
    if (typeof args[0] !== 'string') throw fail(`${node[0]}: the first argument must be a name`)
    checkExpr(args[1], fail)
  } else for (const e of args) checkExpr(e, fail)
}

function checkExpr(node: unknown, fail: (msg: string) => Error): void {
  if (node === null || typeof node !== 'object') return
  if (!Array.isArray(node) || typeof node[0] !== 'string')
    throw fail('an expression must be a literal or an array starting with an operation name')
  const spec = EXPRESSIONS[node[0]]
  if (!spec || !Object.hasOwn(EXPRESSIONS, node[0])) throw fail(`unknown expression '${node[0]}'`)
  const args = node.slice(1)
  arity(node[0], args, spec, fail)
  if (spec[2] === 'expr') for (const e of args) checkExpr(e, fail)
  else if (spec[2] === 'named' && typeof args[0] !== 'string') throw fail(`${node[0]}: the first argument must be a name`)
  else if (node[0] === 'object') {
    if (args.length % 2 !== 0) throw fail('object: expected key, value pairs')
    for (let i = 0; i < args.length; i += 2) {
      if (typeof args[i] !== 'string') throw fail('object: keys must be strings')
      checkExpr(args[i + 1], fail)
    }
  }
}

function arity(op: string, args: readonly unknown[], spec: readonly [number, number, string], fail: (msg: string) => Error): void {
  if (args.length < spec[0] || args.length > spec[1]) throw fail(`${op}: wrong number of arguments`)
}
