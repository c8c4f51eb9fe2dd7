import {
  determinismOf,
  type Execution,
  type ExecutionRequest,
  InvalidArgumentError,
  PolyhostError,
  readFailure,
} from '@polyhost/core/engine'
import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten-core'
import type { Converter } from './converter.js'

/** What building the arguments reads of a state. */
export interface ArgumentsHost {
  readonly baseline: ReadonlySet<string>
  readonly ctx: QuickJSContext
  readonly converter: Pick<Converter, 'toGuestOrJson'>
  /** Set when the caller's data misbehaved: the state is not reused. */
  broken: boolean
}

/**
 * The arguments of the guest's `begin`/`run` helpers for one execution: its globals and
 * context (converted), the frozen clock and the random seed of the policy (or undefined).
 * The caller disposes them. Globals may add names, never replace a baseline global.
 */
export function guestArguments(state: ArgumentsHost, ex: Execution, req: ExecutionRequest): QuickJSHandle[] {
  let names: string[]
  try {
    names = Object.keys(req.globals)
  } catch (e) {
    throw readFailure(e)
  }
  for (const k of names) {
    if (state.baseline.has(k)) throw new InvalidArgumentError(`execute: globals: '${k}' would replace a built-in global`)
  }
  const { ctx, converter } = state
  const args: QuickJSHandle[] = []
  try {
    args.push(names.length > 0 ? converter.toGuestOrJson(req.globals) : ctx.undefined)
    args.push(Object.keys(req.context).length > 0 ? converter.toGuestOrJson(req.context, true) : ctx.undefined)
  } catch (e) {
    for (const h of args) h.dispose()
    // a getter or Proxy trap of the caller's data threw; the state is not trusted further
    if (!(e instanceof PolyhostError)) state.broken = true
    throw readFailure(e)
  }
  try {
    // core's rule for both engines: the frozen instant, and the seed word (the guest's `seed | 0`
    // reads the same 32 bits)
    const { now, seed } = determinismOf(ex)
    args.push(now !== undefined ? ctx.newNumber(now) : ctx.undefined)
    args.push(seed !== undefined ? ctx.newNumber(seed) : ctx.undefined)
  } catch (e) {
    for (const h of args) h.dispose()
    throw e
  }
  return args
}
