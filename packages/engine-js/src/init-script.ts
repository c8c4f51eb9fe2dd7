import { LimitExceededError, ScriptRuntimeError, ScriptSyntaxError } from '@polyhost/core/engine'
import { GuestThrow } from './guest-throw.js'
import type { JsState } from './js-state.js'
import { runtimeError, syntaxError } from './script-errors.js'

/** Where an init script's errors point: its own lines (the strict prologue shares none). */
const INIT_ORIGIN = { name: 'init.js', lineOffset: 1 }
const INIT_PROLOGUE = "'use strict';void 0;\n"

/**
 * Runs the init script under the policy's time limit (`fallbackMs` when there is none): a syntax error, an exception and a deadline are reported as they are for a script.
 */
export function runInit(state: JsState, source: string, fallbackMs: number): void {
  const { ctx, meter } = state
  const text = `${INIT_PROLOGUE}${source}`
  const parsed = ctx.evalCode(text, INIT_ORIGIN.name, { type: 'global', compileOnly: true })
  if (parsed.error) {
    const e = syntaxError(new GuestThrow(state, parsed.error).info, { ...INIT_ORIGIN, source })
    throw new ScriptSyntaxError(`initScript failed: ${e.message}`, e.scriptName, e.line, e.column)
  }
  parsed.value.dispose()
  const limit = state.opts.env.security.policy.limits.timeoutMs
  const max = typeof limit === 'number' ? limit : fallbackMs
  const started = performance.now()
  const outer = meter.setupDeadline
  meter.setupDeadline = Math.min(outer, started + max)
  let r: ReturnType<typeof ctx.callFunction>
  try {
    r = ctx.newString(text).consume((s) => ctx.callFunction(state.evalFn, ctx.undefined, s))
  } finally {
    meter.setupDeadline = outer
  }
  if (!r.error) {
    r.value.dispose()
    return
  }
  const elapsed = performance.now() - started
  const thrown = new GuestThrow(state, r.error)
  if (elapsed >= max) throw new LimitExceededError('timeout', Math.round(elapsed), max)
  const e = runtimeError(thrown.info, { ...INIT_ORIGIN, source }, thrown.thrown)
  throw new ScriptRuntimeError(`initScript failed: ${e.message}`, e.scriptName, e.line, e.column, e.scriptStack, e.thrown)
}
