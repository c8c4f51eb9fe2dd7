import type { CompiledScript, SourceText } from '@polyhost/core'
import type { QuickJSContext, QuickJSRuntime } from 'quickjs-emscripten-core'
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
  /** Lines the prologue adds before the source. */
  readonly lineOffset: number
}

const EVAL_GLOBAL = 0
const EVAL_MODULE = 1
const FLAG_STRICT = 8
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
const COMPILER_HEAP = 512 << 20

/**
 * Syntax-checks scripts in a dedicated QuickJS instance (no sandbox, never runs code) and
 * decides their kind. QuickJS cannot run a compiled-only script later, so executions parse
 * again; the core compile cache still skips this check and caches syntax errors.
 */
export class Compiler {
  private vm: { runtime: QuickJSRuntime; ctx: QuickJSContext; uses: number } | undefined

  constructor(private readonly wasm: WasmLoader) {}

  async compile(src: SourceText): Promise<JsCompiledScript> {
    const ctx = await this.context()
    // a hashbang line stays a (comment) line so positions do not move
    const source = src.source.startsWith('#!') ? `//${src.source}` : src.source
    const looksModule = src.name.endsWith('.mjs') || MODULE_HINT.test(source)
    const order: ScriptKind[] = looksModule ? ['module', 'classic', 'async'] : ['classic', 'async', 'module']
    let first: ThrownInfo | undefined
    for (const kind of order) {
      const r = ctx.evalCode(source, src.name, FLAGS[kind] | FLAG_COMPILE_ONLY)
      // compile-only module results confuse quickjs-emscripten's exception check: a
      // module value comes back as `error` with a non-object type; only objects are errors
      const thrown = r.error ? r.error.consume((e) => (ctx.typeof(e) === 'object' ? (ctx.dump(e) as ThrownInfo) : undefined)) : undefined
      if (!r.error) r.value.dispose()
      // a module that parsed but imports something: imports resolve at run time, per policy
      if (!thrown || (kind === 'module' && UNRESOLVED_IMPORT.test(thrown.message))) {
        return { engineId: 'js', language: src.language, name: src.name, hash: src.hash, source: src.source, kind, ...bodyOf(kind, source) }
      }
      first ??= thrown
    }
    throw syntaxError(first ?? { error: true, message: 'invalid script' }, { name: src.name, lineOffset: 0 })
  }

  close(): void {
    if (!this.vm) return
    this.vm.ctx.dispose()
    this.vm.runtime.dispose()
    this.vm = undefined
  }

  // --- internal ---

  private async context(): Promise<QuickJSContext> {
    if (this.vm && this.vm.uses++ >= RECYCLE_AFTER) this.close()
    if (!this.vm) {
      const { module } = await this.wasm.instantiate(COMPILER_HEAP)
      if (this.vm) return (this.vm as { ctx: QuickJSContext }).ctx
      const runtime = module.newRuntime()
      this.vm = { runtime, ctx: runtime.newContext(), uses: 0 }
    }
    return this.vm.ctx
  }
}

function bodyOf(kind: ScriptKind, source: string): { body: string; lineOffset: number } {
  if (kind === 'classic') return { body: `'use strict';void 0;\n${source}`, lineOffset: 1 }
  if (kind === 'async') return { body: `{\n${source}\n}`, lineOffset: 1 }
  return { body: source, lineOffset: 0 }
}
