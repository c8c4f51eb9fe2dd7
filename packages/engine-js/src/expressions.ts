import { LRUCache } from 'lru-cache'
import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten-core'
import { FLAG_STRICT, type JsCompiledScript } from './compiler.js'
import { EXPRESSION_FILE } from './script-errors.js'

/** Compiled expression scripts a state keeps (each a small function in its heap). */
const EXPRESSIONS_PER_STATE = 64

/**
 * The compiled functions of one-expression scripts in one state (see `JsCompiledScript.
 * expression`): made on first use, frozen, reused by every later run on the state, freed when
 * evicted or when the state is destroyed. Keyed by the compiled script itself: the compile
 * cache hands out one object per script.
 */
export class ExpressionCache {
  private readonly fns = new LRUCache<JsCompiledScript, QuickJSHandle>({
    max: EXPRESSIONS_PER_STATE,
    dispose: (h) => {
      if (h.alive) h.dispose()
    },
  })

  constructor(
    private readonly ctx: QuickJSContext,
    /** Freezes a guest value (the state's `freeze` helper); returns a new handle. */
    private readonly freeze: (v: QuickJSHandle) => QuickJSHandle,
  ) {}

  /** The function for `script`, or undefined if it has no expression form or it failed to build. */
  get(script: JsCompiledScript): QuickJSHandle | undefined {
    if (script.expression === undefined) return undefined
    const cached = this.fns.get(script)
    if (cached) return cached
    // evaluating the text only creates the function: no script code runs here
    const r = this.ctx.evalCode(script.expression, EXPRESSION_FILE, FLAG_STRICT)
    if (r.error) {
      r.error.dispose()
      return undefined
    }
    // shared by every later execution on this state: nothing may be attached to it
    const fn = r.value.consume((v) => this.freeze(v))
    this.fns.set(script, fn)
    return fn
  }

  clear(): void {
    this.fns.clear()
  }
}
