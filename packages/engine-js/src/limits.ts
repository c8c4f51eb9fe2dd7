import type { Execution, LimitExceededError, ResolvedLimits } from '@polyhost/core/engine'

/**
 * The most C stack a runtime may use. At ~512 KiB the WASM frames overflow the host's own
 * stack first, which throws a host RangeError out of QuickJS and leaves the runtime corrupt.
 */
export const MAX_STACK_BYTES = 256 * 1024
const MIN_STACK_BYTES = 32 * 1024
/** Room kept for engine helpers (conversion, bridges) running above the script's frames. */
const STACK_RESERVE = 16 * 1024
/** A small QuickJS frame measured ~175 bytes; budgeting 256 keeps the depth approximate. */
const BYTES_PER_FRAME = 256
/** A large QuickJS frame (~250 locals): a real overflow's backtrace holds at least the stack's size in these. */
const MAX_FRAME_BYTES = 4096

/**
 * The (used, max) pair of a QuickJS stack overflow, stated as what was really hit. QuickJS
 * limits stack bytes, not frames, so its overflow can come before or after `stackDepth`
 * frames; its backtrace lists every frame, so the depth reached is counted from it (a
 * 2,000-frame overflow under `stackDepth: 100000` reads `(2001 > 2000)`, not `(100001 > 100000)`).
 */
export function stackTripFigures(limits: ResolvedLimits, guestStack: string | undefined): [used: number, max: number] {
  const frames = guestStack ? guestStack.split('\n').filter((l) => l.startsWith('    at ')).length : 0
  // fewer frames than the stack holds at MAX_FRAME_BYTES each: not a backtrace of where it ran
  // out. An async function's overflow error has none; QuickJS builds one where the error is
  // next rethrown (`await f()`: one frame, which read "(2 > 1)"). The policy's depth then.
  if (frames > 0 && frames * MAX_FRAME_BYTES >= stackBytesFor(limits)) return [frames + 1, frames]
  const max = limits.stackDepth === false ? 0 : limits.stackDepth
  return [max + 1, max]
}

/** `setMaxStackSize` bytes for a `stackDepth` limit (frames), clamped to what is safe. */
export function stackBytesFor(limits: ResolvedLimits): number {
  const depth = limits.stackDepth
  if (depth === false) return MAX_STACK_BYTES
  return Math.min(MAX_STACK_BYTES, Math.max(MIN_STACK_BYTES, STACK_RESERVE + depth * BYTES_PER_FRAME))
}

/**
 * Records a stack trip for the host's own stack running out (V8's RangeError) under the
 * script's calls, with the policy's figures: QuickJS's backtrace does not see host frames.
 */
export function hostStackTrip(ex: Execution): LimitExceededError {
  return ex.trip('stack', (ex.limits.stackDepth === false ? 0 : ex.limits.stackDepth) + 1)
}

/** V8's stack overflow, thrown by host code (a conversion, a host function) nested too deeply. */
export function isHostStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && e.message === 'Maximum call stack size exceeded'
}
