// A handler the script started and did not await (or one that goes on in the background after
// returning) outlives the execution. Its ctx.signal still aborts at the execution's deadline,
// with the LimitExceededError('timeout') an awaited handler gets, so the time limit bounds the
// host work a script can leave behind. Worker mode loads dist/: `pnpm run build` first.
import { afterEach, describe, expect, it } from 'vitest'
import { defineBridge } from '../src/bridges.js'
import { LimitExceededError } from '../src/errors.js'
import { createHost, type Host } from '../src/index.js'
import { blockingEngine } from './fixtures/blocking-engine.mjs'

const TIMEOUT_MS = 300
/** Longer than any deadline here: a signal that never aborts ends the wait with `aborted: false`. */
const GIVE_UP_MS = 4_000
const LIMITS = { instructions: false, memoryBytes: false, stackDepth: false, timeoutMs: TIMEOUT_MS } as const

type Outcome = { aborted: boolean; reason: unknown }
let host: Host | undefined
afterEach(async () => {
  await host?.close()
  host = undefined
})

/** Resolves when `signal` aborts, or after GIVE_UP_MS. */
function abortOf(signal: AbortSignal): Promise<Outcome> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ aborted: false, reason: undefined }), GIVE_UP_MS)
    const done = () => {
      clearTimeout(timer)
      resolve({ aborted: true, reason: signal.reason })
    }
    if (signal.aborted) done()
    else signal.addEventListener('abort', done, { once: true })
  })
}

/** A host whose `bg` handlers report, through `outcomes`, when their ctx.signal aborted. */
async function hostWith(isolation: 'inline' | 'worker') {
  const outcomes: Promise<Outcome>[] = []
  const h = await createHost({ engines: [blockingEngine()], isolation, workers: 1, limits: LIMITS })
  h.bridges.register(
    defineBridge({
      name: 'bg',
      methods: {
        // async work the script does not await
        wait: {
          args: [],
          handler: async (ctx) => {
            const o = abortOf(ctx.signal)
            outcomes.push(o)
            return o
          },
        },
        // returns at once, goes on in the background and only then looks at its signal
        later: {
          args: [],
          handler: (ctx) => {
            outcomes.push(new Promise((resolve) => setTimeout(() => resolve(abortOf(ctx.signal)), 20)))
            return 'started'
          },
        },
      },
    }),
  )
  return { host: h, outcomes }
}

async function expectTimedOut(outcomes: readonly Promise<Outcome>[]): Promise<void> {
  expect(outcomes).toHaveLength(1)
  const o = (await outcomes[0]) as Outcome
  expect(o.aborted).toBe(true)
  expect(o.reason).toBeInstanceOf(LimitExceededError)
  expect((o.reason as LimitExceededError).limit).toBe('timeout')
}

describe.each(['inline', 'worker'] as const)('a handler left running by a finished execution (%s)', (isolation) => {
  it('sees its ctx.signal abort at the deadline when the script did not await it', async () => {
    const made = await hostWith(isolation)
    host = made.host
    const r = await host.execute({ language: 'blk', source: "api.call('bg.wait').catch(() => {}); return 'done'" })
    expect(r.value).toBe('done')
    await expectTimedOut(made.outcomes)
  })

  it('sees its ctx.signal abort at the deadline when it reads it after the execution ended', async () => {
    const made = await hostWith(isolation)
    host = made.host
    const r = await host.execute({ language: 'blk', source: "return api.call('bg.later')" })
    expect(r.value).toBe('started')
    await expectTimedOut(made.outcomes)
  })

  it('leaves the finished execution and the next one alone', async () => {
    const made = await hostWith(isolation)
    host = made.host
    const first = await host.execute({ language: 'blk', source: "api.call('bg.wait').catch(() => {}); return 1" })
    await made.outcomes[0]
    const second = await host.execute({ language: 'blk', source: 'return 2' })
    expect([first.value, second.value]).toEqual([1, 2])
    expect(host.stats().limitTrips).toEqual(expect.objectContaining({ timeout: 0 }))
  })
})
