import { describe, expect, it } from 'vitest'
import { pool } from '../test/fixtures/pool-recorder.js'
import { CancelledError, PoolExhaustedError } from './errors.js'
import type { AcquireOptions } from './pool-types.js'
import { type Waiter, WaiterQueue } from './pool-wait-line.js'

const LONG_LINE = 20_000
/** Callers that arrive (or leave) in one turn of the event loop. */
const BATCH = 2_000

describe('WaiterQueue', () => {
  it('keeps FIFO order through push, unshift, shift and removal from the middle', () => {
    const q = new WaiterQueue<unknown>()
    const ws = Array.from({ length: 5 }, (_, i) => ({ partition: String(i) }) as Waiter<unknown>)
    for (const w of ws) q.push(w)
    expect(q.remove(ws[2] as Waiter<unknown>)).toBe(true)
    expect(q.remove(ws[2] as Waiter<unknown>), 'a second removal finds nothing').toBe(false)
    expect(q.shift()).toBe(ws[0])
    q.unshift(ws[0] as Waiter<unknown>)
    expect(q.length).toBe(4)
    expect(q.clear()).toEqual([ws[0], ws[1], ws[3], ws[4]])
    expect(q.length).toBe(0)
    expect(q.first).toBeUndefined()
  })
})

describe('a long line of waiters', () => {
  // Before the line was a linked list, every arrival walked the whole line (pump) and every
  // abort searched and spliced it: 20,000 callers stalled the event loop for tens of seconds.
  it(`${LONG_LINE} callers arriving and then aborted together never stall the event loop`, async () => {
    // one signal each, as executions have (a caller's shared signal fans out: caller-signal.ts)
    const controllers: AbortController[] = []
    const { outcomes, gap, p, holder } = await longLine(
      () => {
        const ac = new AbortController()
        controllers.push(ac)
        return { signal: ac.signal, timeoutMs: 60_000 }
      },
      // aborted over a few turns, as the callers' requests end
      async () => {
        for (let i = 0; i < controllers.length; i++) {
          controllers[i]?.abort()
          if (i % BATCH === BATCH - 1) await new Promise((r) => setImmediate(r))
        }
      },
    )
    expect(outcomes.filter((o) => o instanceof CancelledError)).toHaveLength(LONG_LINE)
    expect(p.stats().waiting).toBe(0)
    expect(gap, 'largest event-loop gap (ms)').toBeLessThan(1_000)
    await fifoStillHolds(p, holder)
  }, 60_000)

  it(`${LONG_LINE} callers timing out together never stall the event loop`, async () => {
    const { outcomes, gap, p, holder } = await longLine(() => ({ timeoutMs: 2_000 }))
    expect(outcomes.filter((o) => o instanceof PoolExhaustedError)).toHaveLength(LONG_LINE)
    expect(p.stats()).toMatchObject({ waiting: 0, acquireTimeouts: LONG_LINE })
    expect(gap, 'largest event-loop gap (ms)').toBeLessThan(1_000)
    await fifoStillHolds(p, holder)
  }, 60_000)
})

// --- internal ---

/**
 * A pool of one state, held, and LONG_LINE callers (each with `opts()`) queued behind it over
 * many event-loop turns (as executions arrive); then `end` (if any), and every caller's outcome. `gap` is the
 * longest the event loop went without running a 5 ms interval, arrival and ending included.
 */
async function longLine(opts: () => AcquireOptions, end?: () => unknown) {
  const { pool: p } = pool({ min: 0, max: 1 })
  const holder = await p.acquire()
  let gap = 0
  let prev = performance.now()
  const interval = setInterval(() => {
    const now = performance.now()
    gap = Math.max(gap, now - prev)
    prev = now
  }, 5)
  const waits: Promise<unknown>[] = []
  for (let i = 0; i < LONG_LINE; i++) {
    waits.push(
      p.acquire(opts()).then(
        () => 'handed out',
        (e: unknown) => e,
      ),
    )
    if (i % BATCH === BATCH - 1) await new Promise((r) => setImmediate(r))
  }
  expect(p.stats().waiting).toBe(LONG_LINE)
  await end?.()
  const outcomes = await Promise.all(waits)
  clearInterval(interval)
  return { outcomes, gap, p, holder }
}

/** After the line emptied, the held state goes to the next caller, in order. */
async function fifoStillHolds(p: ReturnType<typeof pool>['pool'], holder: Awaited<ReturnType<ReturnType<typeof pool>['pool']['acquire']>>) {
  const first = p.acquire()
  const second = p.acquire()
  await p.release(holder)
  const lease = await first
  expect(lease.state).toBe(holder.state)
  await p.release(lease)
  const last = await second
  expect(last.state).toBe(holder.state)
  await p.release(last)
  await p.close()
}
