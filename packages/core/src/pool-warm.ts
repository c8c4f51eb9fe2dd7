import type { StatePool } from './pool.js'

/**
 * Tops `pool` up to its `min` after the current turn instead of before the engine is ready:
 * the engine awaits its first state (`pool.start(1)`: a set-up error still fails
 * `createHost`), and neither `createHost` nor the first request waits for the others (a
 * request that arrives first creates its own state; the warm-up counts it). A failure is
 * reported to `onError` and surfaces again at the first request that needs a state.
 */
export function warmInBackground(pool: Pick<StatePool<unknown>, 'start'>, onError: (error: unknown) => void): void {
  setImmediate(() => {
    pool.start().catch(onError)
  })
}
