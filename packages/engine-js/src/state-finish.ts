import { runInit } from './init-script.js'
import type { JsState } from './js-state.js'

/**
 * The last steps of a state's set-up: the init script, lockdown and the baseline it leaves.
 * A state without an init script takes them before its snapshot is taken, so its copies
 * start locked down. A state with one takes them on every copy (the snapshot is of the state
 * before them): what the script computes — its Math.random draws, the clock it reads, what a
 * per-state seed derives from them — is each state's own, as when every state runs the whole
 * set-up (`snapshots: false`); a copy of a template taken after it would repeat the
 * template's values in every tenant's state. It costs each such state its lockdown.
 */
export function finishSetup(state: JsState, timeoutMs: number): void {
  const { ctx, opts } = state
  // a full set-up is bounded as a whole; a copy's last steps from now
  if (state.meter.setupDeadline === Number.POSITIVE_INFINITY) state.meter.setupDeadline = performance.now() + timeoutMs
  if (opts.initScript) runInit(state, opts.initScript, timeoutMs)
  state.call('lockdown').dispose()
  state.baseline = new Set(JSON.parse(state.call('baselineJson').consume((h) => ctx.getString(h))) as string[])
  state.meter.setupDeadline = Number.POSITIVE_INFINITY
  state.instance.heap.measure(state.instance.alloc)
  state.baseHeap = state.instance.heap.size
}

/** Whether copies of the state's snapshot still run `finishSetup` (see there). */
export const finishesPerState = (opts: JsState['opts']): boolean => Boolean(opts.initScript)
