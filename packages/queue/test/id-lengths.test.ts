import { InvalidArgumentError } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createScriptQueue, MAX_ID_BYTES, type ScriptQueue } from '../src/index.js'
import { connection, uniqueName } from './support.js'

// Ids a careless producer makes up. Before: `jobId: 'z'.repeat(1e6)` was taken (3.2 s to add,
// a megabyte in every key, event and message naming the job), as were deduplication and
// schedule ids of any length, and `job(id)` / `cancel(id)` ran with them; a bad schedule id was
// echoed whole in its error. Now each id is at most MAX_ID_BYTES (256) bytes of UTF-8, a
// longer one an InvalidArgumentError naming the field, refused at once, nothing stored.

let queue: ScriptQueue
beforeAll(() => {
  queue = createScriptQueue({ connection: connection(), name: uniqueName('ids') })
})
afterAll(async () => {
  await queue.bull.obliterate({ force: true })
  await queue.close()
})

const script = { language: 'lua', source: 'return 1' }
const huge = 'z'.repeat(1_000_000)
const jobCount = async () => Object.values(await queue.bull.getJobCounts()).reduce((a, b) => a + b, 0)

async function refused(call: () => Promise<unknown>, message: RegExp): Promise<void> {
  const started = performance.now()
  const e = await call().then(
    () => undefined,
    (x: unknown) => x,
  )
  expect(e).toBeInstanceOf(InvalidArgumentError)
  expect((e as Error).message).toMatch(message)
  // the id is quoted, not echoed whole
  expect((e as Error).message.length).toBeLessThan(300)
  // at once, not after adding a megabyte (generous: a loaded 2-core box)
  expect(performance.now() - started).toBeLessThan(2000)
}

describe('id lengths', () => {
  it('caps job, deduplication and schedule ids at MAX_ID_BYTES of UTF-8', async () => {
    expect(MAX_ID_BYTES).toBe(256)
    const over = `at most ${MAX_ID_BYTES} bytes \\(UTF-8\\), received`
    await refused(() => queue.enqueue({ script }, { jobId: huge }), new RegExp(`^enqueue: options\\.jobId: ${over} 1000000$`))
    await refused(() => queue.enqueue({ script }, { jobId: 'z'.repeat(257) }), new RegExp(`^enqueue: options\\.jobId: ${over} 257$`))
    // bytes, not characters: 129 × 'é' is 258 bytes
    await refused(() => queue.enqueue({ script }, { jobId: 'é'.repeat(129) }), new RegExp(`^enqueue: options\\.jobId: ${over} 258$`))
    await refused(() => queue.enqueueMany([{ request: { script }, options: { jobId: huge } }]), /^enqueue: options\.jobId: at most 256 /)
    await refused(() => queue.enqueue({ script }, { deduplication: { id: huge } }), /^enqueue: options\.deduplication\.id: at most 256 /)
    await refused(() => queue.schedule(huge, { every: 1000 }, { script }), new RegExp(`^schedule: a schedule id is ${over} 1000000$`))
    await refused(() => queue.unschedule(huge), /^unschedule: a schedule id is at most 256 /)
    await refused(() => queue.cancel(huge), new RegExp(`^cancel: a job id is ${over} 1000000$`))
    await refused(async () => queue.job(huge), /^job: a job id is at most 256 /)
    expect(await jobCount()).toBe(0)
    expect(await queue.bull.getJobSchedulersCount()).toBe(0)
    // the cap itself is taken
    const job = await queue.enqueue({ script }, { jobId: 'z'.repeat(256), deduplication: { id: 'd'.repeat(256) } })
    expect(job.id).toBe('z'.repeat(256))
    expect(queue.job('é'.repeat(128)).id).toBe('é'.repeat(128))
    await queue.schedule('s'.repeat(256), { every: 60_000 }, { script })
    await queue.unschedule('s'.repeat(256))
  })

  it('refuses defaultJobOptions with a long jobId', () => {
    expect(() =>
      createScriptQueue({ connection: connection(), name: uniqueName('ids'), defaultJobOptions: { jobId: 'z'.repeat(300) } }),
    ).toThrow(/^createScriptQueue: defaultJobOptions\.jobId: at most 256 bytes \(UTF-8\), received 300$/)
  })
})
