import { type CompiledScript, engineScriptName, LimitExceededError, ScriptSyntaxError, type SourceText } from '@polyhost/core/engine'
import type { QuickJSContext, QuickJSRuntime } from 'quickjs-emscripten-core'
import { isInertExpression } from './inert-expression.js'
import { MAX_STACK_BYTES } from './limits.js'
import { mayParseSlowly } from './parse-cost.js'
import { ParseProbe } from './parse-probe.js'
import { syntaxError, type ThrownInfo } from './script-errors.js'
import type { WasmLoader } from './wasm.js'

/**
 * How a script runs. `classic`: strict indirect eval (declarations stay local, the value is
 * the completion value). `async`: a classic script with top-level `await`, run as an async
 * strict global script inside a block. `module`: an ES module; the value is its default export.
 */
export type ScriptKind = 'classic' | 'async' | 'module'

/** A syntax-checked script: what the engine evaluates and how. */
export interface JsCompiledScript extends CompiledScript {
  readonly kind: ScriptKind
  /** The text QuickJS evaluates (the source plus the engine's prologue). */
  readonly body: string
  /** Lines the prologue adds before the source (none: it shares the source's first line). */
  readonly lineOffset: number
  /** Columns the prologue adds before the source's first line (the same for `expression`). */
  readonly columnOffset: number
  /**
   * For a classic script that is one expression: a strict global script whose value is an
   * arrow returning that expression. A state compiles it once and calls it on every run
   * instead of parsing the source again; the value, `this` and positions are the same.
   */
  readonly expression?: string
  /**
   * The expression only reads and computes (`isInertExpression`): a state that ran it is at
   * its baseline, and its reset skips the guest's walk of the global object.
   */
  readonly inert?: true
  /**
   * Milliseconds the parse took off-thread (large sources only): an execution with less
   * time left is refused before QuickJS parses it again, uninterruptibly.
   */
  readonly parseMs?: number
}

const EVAL_GLOBAL = 0
const EVAL_MODULE = 1
/** JS_EVAL_FLAG_STRICT. */
export const FLAG_STRICT = 8
const FLAG_COMPILE_ONLY = 32
/** QuickJS 2025-09: top-level await in a global script; the result is a promise of `{ value }`. */
export const FLAG_ASYNC = 128

const FLAGS: Readonly<Record<ScriptKind, number>> = {
  classic: EVAL_GLOBAL | FLAG_STRICT,
  async: EVAL_GLOBAL | FLAG_STRICT | FLAG_ASYNC,
  module: EVAL_MODULE,
}
const MODULE_HINT = /^\s*(?:import\s*[\w{*'"]|export\s)/m
const UNRESOLVED_IMPORT = /^could not load module /
const RECYCLE_AFTER = 512
const LEADING_TRIVIA = /^(?:\s|\/\/[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/
const NOT_AN_EXPRESSION = /^(?:\{|function\b|class\b|async\b)/
const TRAILING_SEMICOLON = /;\s*$/
const COMPILER_HEAP = 512 << 20
/** Parses of a script before its first statement runs: the compile check and the execution's. */
const PARSES = 2

/**
 * Syntax-checks scripts in a dedicated QuickJS instance (no sandbox, never runs code) and
 * decides their kind. QuickJS cannot run a compiled-only script later, so executions parse
 * again; the core compile cache still skips this check and caches syntax errors.
 */
export class Compiler {
  private vm: { runtime: QuickJSRuntime; ctx: QuickJSContext; uses: number } | undefined
  private readonly probe = new ParseProbe(MAX_STACK_BYTES, COMPILER_HEAP)

  /** `timeoutMs`: the time limit for compiles whose source does not name one (the policy's). */
  constructor(
    private readonly wasm: WasmLoader,
    private readonly timeoutMs: () => number | false,
  ) {}

  /**
   * Syntax-checks a source. A large one is first parsed off-thread under the time limit:
   * LimitExceededError('timeout') when the wait for the probe thread and that parse run past
   * the limit (the parse is stopped there) or when they and a second parse would not fit in it.
   */
  async compile(src: SourceText): Promise<JsCompiledScript> {
    const parseMs = await this.probeParse(src)
    const ctx = await this.context()
    try {
      const compiled = this.check(ctx, src)
      return parseMs === undefined ? compiled : { ...compiled, parseMs }
    } catch (e) {
      if (e instanceof ScriptSyntaxError) throw e
      // QuickJS itself failed (its parser overflowed the host stack, say): the instance may be
      // inconsistent, so it is dropped whole, without calling into it again
      this.vm = undefined
      const why = e instanceof RangeError ? 'it is nested too deeply' : String((e as Error)?.message ?? e)
      throw new ScriptSyntaxError(`SyntaxError: the script cannot be parsed: ${why}`, src.name)
    }
  }

  close(): void {
    void this.probe.close()
    if (!this.vm) return
    this.vm.ctx.dispose()
    this.vm.runtime.dispose()
    this.vm = undefined
  }

  // --- internal ---

  private async probeParse(src: SourceText): Promise<number | undefined> {
    const budget = src.timeoutMs ?? this.timeoutMs()
    if (budget === false || !mayParseSlowly(src.source)) return undefined
    const kind: ScriptKind = src.name.endsWith('.mjs') || MODULE_HINT.test(src.source) ? 'module' : 'classic'
    const r = await this.probe.time(src.source, src.name, FLAGS[kind] | FLAG_COMPILE_ONLY, budget)
    // the wait for the shared probe thread is this compile's time too
    const needed = r.waitedMs + (r.stopped ? r.ms : r.ms * PARSES)
    if (r.stopped || needed > budget) throw new LimitExceededError('timeout', Math.max(Math.ceil(needed), budget + 1), budget)
    return r.ms
  }

  private check(ctx: QuickJSContext, src: SourceText): JsCompiledScript {
    // a hashbang line stays a (comment) line so positions do not move
    const source = src.source.startsWith('#!') ? `//${src.source}` : src.source
    const looksModule = src.name.endsWith('.mjs') || MODULE_HINT.test(source)
    const order: ScriptKind[] = looksModule ? ['module', 'classic', 'async'] : ['classic', 'async', 'module']
    let first: ThrownInfo | undefined
    for (const kind of order) {
      const r = ctx.evalCode(source, engineScriptName(src.name), FLAGS[kind] | FLAG_COMPILE_ONLY)
      // compile-only module results confuse quickjs-emscripten's exception check: a
      // module value comes back as `error` with a non-object type; only objects are errors
      const thrown = r.error ? r.error.consume((e) => (ctx.typeof(e) === 'object' ? (ctx.dump(e) as ThrownInfo) : undefined)) : undefined
      if (!r.error) r.value.dispose()
      // a module that parsed but imports something: imports resolve at run time, per policy
      if (!thrown || (kind === 'module' && UNRESOLVED_IMPORT.test(thrown.message))) {
        const expression = kind === 'classic' ? expressionOf(ctx, source, src.name) : undefined
        const compiled = { engineId: 'js', language: src.language, name: src.name, hash: src.hash, source: src.source, kind }
        const body = bodyOf(kind, source)
        // the host keeps the source and the body as JS strings (two bytes per unit at most);
        // QuickJS bytecode lives in each state's own WASM memory, counted by its memory limit
        const retainedBytes = 2 * (source.length + body.body.length) + (expression ? 2 * source.length : 0)
        const inert = expression !== undefined && isInertExpression(source)
        return { ...compiled, ...body, retainedBytes, ...(expression ? { expression } : {}), ...(inert ? { inert: true as const } : {}) }
      }
      first ??= thrown
    }
    throw syntaxError(first ?? { error: true, message: 'invalid script' }, { name: src.name, lineOffset: 0 })
  }

  private async context(): Promise<QuickJSContext> {
    if (this.vm && this.vm.uses++ >= RECYCLE_AFTER) this.close()
    if (!this.vm) {
      const { module } = await this.wasm.instantiate(COMPILER_HEAP)
      if (this.vm) return (this.vm as { ctx: QuickJSContext }).ctx
      const runtime = module.newRuntime()
      // QuickJS's parser recurses: its own stack check must fire before the host stack overflows
      runtime.setMaxStackSize(MAX_STACK_BYTES)
      this.vm = { runtime, ctx: runtime.newContext(), uses: 0 }
    }
    return this.vm.ctx
  }
}

/**
 * The arrow form of a classic script that parses as one parenthesized expression. Scripts
 * starting with `{`, `function`, `class` or `async` are left out: as statements they are a
 * block or a declaration (value undefined), as an expression an object or a function.
 */
function expressionOf(ctx: QuickJSContext, source: string, name: string): string | undefined {
  const start = source.replace(LEADING_TRIVIA, '')
  if (start === '' || NOT_AN_EXPRESSION.test(start)) return undefined
  const body = `${EXPRESSION_PROLOGUE}${source.replace(TRAILING_SEMICOLON, '')}\n))`
  const r = ctx.evalCode(body, engineScriptName(name), FLAGS.classic | FLAG_COMPILE_ONLY)
  if (r.error) {
    r.error.dispose()
    return undefined
  }
  r.value.dispose()
  return body
}

/**
 * The prologues share the source's first line, so the line numbers a script reads in its own
 * `error.stack` are its own (a line before them shifted every one by one); the classic one is
 * as long as the expression form's, so both shift line 1's columns alike.
 */
const CLASSIC_PROLOGUE = "'use strict';void 0; "
const EXPRESSION_PROLOGUE = "'use strict';(() => ("

function bodyOf(kind: ScriptKind, source: string): { body: string; lineOffset: number; columnOffset: number } {
  if (kind === 'classic') return { body: `${CLASSIC_PROLOGUE}${source}`, lineOffset: 0, columnOffset: CLASSIC_PROLOGUE.length }
  if (kind === 'async') return { body: `{${source}\n}`, lineOffset: 0, columnOffset: 1 }
  return { body: source, lineOffset: 0, columnOffset: 0 }
}
