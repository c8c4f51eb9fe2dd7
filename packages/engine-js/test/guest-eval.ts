import type { JsState } from '../src/js-state.js'

/** Evaluates `code` as a global script in a hand-built state; a thrown value becomes an Error. */
export function evaluate(state: JsState, code: string): unknown {
  const r = state.ctx.evalCode(code, '<test>', { type: 'global' })
  if (r.error) {
    const e = state.ctx.dump(r.error)
    r.error.dispose()
    throw new Error(JSON.stringify(e))
  }
  return r.value.consume((h) => state.ctx.dump(h))
}
