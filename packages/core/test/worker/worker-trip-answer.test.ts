import { afterEach, describe, expect, it } from 'vitest'
import { createHost, type Host, LimitExceededError } from '../../src/index.js'
import { blockingEngine } from '../fixtures/blocking-engine.mjs'

// An execution that ended in its worker (its limit tripped there, or the host's timer ended it
// and the thread saw that) is answered as soon as the worker says so, not when the worker is
// done unwinding: building the error, the engine retiring the state and a collection of a big
// heap took 30-500 ms on a loaded machine (Lua `load` with an endless reader: trip at 207 ms,
// answer at 466 ms) while the answer, the execution's fatal error, was already fixed. The
// fixture holds the unwinding until the test has its answer, so this is an order, not a speed.
// The kill margin is far off: the watchdog's own answer to a slow unwinding does not count.
// Loads dist/: `pnpm run build` first.

const LIMITS = { instructions: false, memoryBytes: false, stackDepth: false, timeoutMs: 20_000 } as const
let host: Host | undefined
afterEach(async () => {
  await host?.close()
  host = undefined
})

async function gatedHost(): Promise<{ h: Host; gate: Int32Array }> {
  const shared = new SharedArrayBuffer(8)
  host = await createHost({
    engines: [blockingEngine({ gate: shared })],
    isolation: 'worker',
    workers: 1,
    limits: LIMITS,
    worker: { killMarginMs: 60_000 },
  })
  await host.execute({ language: 'blk', source: 'return 0' })
  return { h: host, gate: new Int32Array(shared) }
}

async function answeredBeforeUnwound(source: string): Promise<void> {
  const { h, gate } = await gatedHost()
  const before = (await h.execute({ language: 'blk', source: 'return api.threadId()' })).value
  const e = await h.execute({ language: 'blk', source, limits: { timeoutMs: 100 } }).catch((x: unknown) => x)
  const unwound = Atomics.load(gate, 1)
  Atomics.store(gate, 0, 1)
  Atomics.notify(gate, 0)
  expect(e).toBeInstanceOf(LimitExceededError)
  expect(e).toMatchObject({ limit: 'timeout', max: 100 })
  expect(unwound, 'the caller was answered before the worker finished unwinding').toBe(0)
  // the same worker (no kill) runs the next execution on a fresh state once it is done
  const next = await h.execute({ language: 'blk', source: 'return [api.threadId(), api.state().id]' })
  expect(next.value).toEqual([before, expect.any(Number)])
  expect((next.value as number[])[1]).toBeGreaterThan(1)
  expect(Atomics.load(gate, 1)).toBe(1)
  const stats = h.stats().engines.blk as unknown as { workerKills: number; workerRestarts: number }
  expect(stats.workerKills).toBe(0)
  expect(stats.workerRestarts).toBe(0)
}

describe('isolation worker: an ended execution is answered before its unwinding', () => {
  it('a limit tripped in the worker (a hook saw the deadline)', async () => {
    await answeredBeforeUnwound('api.unwindOnSignal()')
  }, 30_000)

  it('a limit the host tripped (its timer, while a builtin held the thread), once the thread sees it', async () => {
    await answeredBeforeUnwound('api.unwindOnSignal(600)')
  }, 30_000)
})
