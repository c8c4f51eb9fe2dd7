import { InvalidArgumentError, LimitExceededError, ScriptRuntimeError, ScriptSyntaxError } from '@polyhost/core/engine'
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
    checkPrototypes(state)
    return
  }
  const elapsed = performance.now() - started
  const thrown = new GuestThrow(state, r.error)
  if (elapsed >= max) throw new LimitExceededError('timeout', Math.round(elapsed), max)
  const e = runtimeError(thrown.info, { ...INIT_ORIGIN, source }, thrown.thrown)
  throw new ScriptRuntimeError(`initScript failed: ${e.message}`, e.scriptName, e.line, e.column, e.scriptStack, e.thrown)
}

/**
 * The first key the init script left on Array.prototype or Object.prototype that the guest
 * helpers' own arrays and objects would meet: an array index (a helper's `out[i] = v` on a
 * new array goes up the chain to it, calling a setter with the helper's value or failing
 * without one, and a hole reads its getter), or on Object.prototype a descriptor field, which
 * the helpers' `{ value: v }` descriptors inherit. Scripts cannot add these (lockdown freezes
 * both prototypes); an init script runs before lockdown. '' when there is none.
 */
const PROTOTYPE_KEYS = `(() => {
  const names = Object.getOwnPropertyNames;
  const fields = { __proto__: null, get: 1, set: 1, value: 1, writable: 1, enumerable: 1, configurable: 1 };
  const first = (o, label, named) => {
    const keys = names(o);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (('' + (k >>> 0) === k && k !== '4294967295') || (named && fields[k] === 1)) return label + "['" + k + "']";
    }
    return '';
  };
  return first(Array.prototype, 'Array.prototype', false) || first(Object.prototype, 'Object.prototype', true);
})()`

/** Fails the set-up when the init script left a key of PROTOTYPE_KEYS. */
function checkPrototypes(state: JsState): void {
  const { ctx } = state
  const r = ctx.evalCode(PROTOTYPE_KEYS, 'init-check.js')
  const found = r.error ? 'a key that could not be listed' : ctx.getString(r.value)
  ;(r.error ?? r.value).dispose()
  if (found === '') return
  throw new InvalidArgumentError(
    `initScript failed: it defined ${found}; the sandbox's own arrays and objects inherit from Array.prototype and Object.prototype, which may not hold array-index keys (nor get, set, value, writable, enumerable or configurable on Object.prototype)`,
  )
}
