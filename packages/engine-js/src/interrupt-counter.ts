import type { QuickJSContext, QuickJSRuntime } from 'quickjs-emscripten-core'
import { contextPointer } from './state-snapshot.js'

/**
 * QuickJS's own tick budget between two calls of the interrupt handler
 * (JS_INTERRUPT_COUNTER_INIT): each call and backward branch takes one tick.
 */
export const QUICKJS_TICKS = 10_000

/**
 * The ticks the engine gives QuickJS between two interrupt checks. A tick can be expensive:
 * a call that overflows the stack builds a backtrace of every frame (O(depth × function-name
 * length)), a builtin may walk a large array without a check; with QuickJS's 10,000 such
 * ticks between checks a script overran a 1 s limit by 2.4 s inline. A tenth of that bounds
 * the overrun ten times tighter for about one handler call per 1,000 calls and branches.
 */
export const TICKS_PER_CHECK = 1_000

/** Where a context keeps its tick counter: the byte offset of `interrupt_counter` in JSContext. */
export type CounterOffset = number

/**
 * The offset in the QuickJS build this package pins and loads by default. Its probe costs
 * two loops in a cold interpreter (~20 ms of a process's first state), so that build skips
 * it; the tick-budget test runs the probe on that build and fails if it finds another offset.
 */
export const PINNED_TICK_COUNTER: CounterOffset = 232

/**
 * The tick counter of `ctx`'s build: the pinned build's known offset when the word there
 * holds a fresh context's count (0), else what the probe finds (see findTickCounter).
 */
export function tickCounterOf(
  runtime: QuickJSRuntime,
  ctx: QuickJSContext,
  words: () => Int32Array,
  pinnedBuild: boolean,
): CounterOffset | undefined {
  if (pinnedBuild && words()[(contextPointer(ctx) + PINNED_TICK_COUNTER) >> 2] === 0) return PINNED_TICK_COUNTER
  return findTickCounter(runtime, ctx, words)
}

/**
 * Finds the offset of QuickJS's tick counter inside the context struct of this build, or
 * undefined. The counter is not exported: it is found the way DirectFfi verifies its value
 * layout, by behaviour. While the handler runs, the counter was just reset to 10,000; a word
 * of the context with that value that then counts down while a loop runs is the candidate,
 * and it is accepted only if writing a smaller budget there makes the handler come that
 * much more often. Two short loops (17,500 iterations, a few milliseconds), in a context
 * that holds nothing yet (its runtime's handler is replaced for the probe and removed after).
 */
export function findTickCounter(runtime: QuickJSRuntime, ctx: QuickJSContext, words: () => Int32Array): CounterOffset | undefined {
  const base = contextPointer(ctx)
  if (typeof base !== 'number' || base <= 0 || base % 4 !== 0) return undefined
  try {
    let seen: number[] | undefined
    runtime.setInterruptHandler(() => {
      seen ??= scan(words(), base)
      return false
    })
    // 12,500 iterations of one or two ticks each: interrupts, then 2,500 or 5,000 ticks into the next budget
    if (!run(ctx, 12_500)) return undefined
    const now = words()
    const moved = (seen ?? []).filter((off) => {
      const v = now[(base + off) >> 2] as number
      return v >= 1_000 && v <= QUICKJS_TICKS - 1_000
    })
    if (moved.length !== 1) return undefined
    const offset = moved[0] as number
    // the loop's iterations took one or two ticks each: 2,500 or 5,000 of the next budget used
    const perIteration = Math.round((QUICKJS_TICKS - (now[(base + offset) >> 2] as number)) / 2_500)
    if (perIteration !== 1 && perIteration !== 2) return undefined
    // proof: with a budget of 500 written at each interrupt, 5,000 iterations interrupt every 500 ticks
    let interrupts = 0
    runtime.setInterruptHandler(() => {
      interrupts++
      words()[(base + offset) >> 2] = 500
      return false
    })
    words()[(base + offset) >> 2] = 500
    if (!run(ctx, 5_000)) return undefined
    const expected = (5_000 * perIteration) / 500
    return interrupts >= expected * 0.75 && interrupts <= expected * 1.25 ? offset : undefined
  } catch {
    return undefined
  } finally {
    runtime.removeInterruptHandler()
  }
}

/** Offsets of the context struct's first 1 KiB holding QuickJS's fresh tick budget. */
function scan(view: Int32Array, base: number): number[] {
  const found: number[] = []
  for (let off = 0; off < 1024; off += 4) if (view[(base + off) >> 2] === QUICKJS_TICKS) found.push(off)
  return found
}

function run(ctx: QuickJSContext, branches: number): boolean {
  const r = ctx.evalCode(`(() => { let n = 0; for (let i = 0; i < ${branches}; i++) n++; return n })()`)
  if (r.error) {
    r.error.dispose()
    return false
  }
  r.value.dispose()
  return true
}
