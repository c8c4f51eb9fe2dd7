import { ClosedError, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createScriptWorker } from '../src/index.js'
import { connection, testHost, uniqueName } from './support.js'

// Calls a careless caller makes around close(). Before: a worker's ready() that had resolved
// kept resolving after close(), so a caller checking it took a closed worker for a serving
// one. Now every ready() after close() rejects with core's ClosedError, as the queue's calls do.

let host: Host

beforeAll(async () => {
  host = await testHost()
})
afterAll(async () => {
  await host.close()
})

describe('a closed worker', () => {
  it('rejects ready() with ClosedError, though it had resolved before', async () => {
    const worker = createScriptWorker({ connection: connection(), name: uniqueName('calls'), host })
    await worker.ready()
    const closing = worker.close()
    // already while the close runs: the worker takes no more jobs
    await expect(worker.ready()).rejects.toBeInstanceOf(ClosedError)
    await closing
    const e = await worker.ready().catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ClosedError)
    expect((e as Error).message).toMatch(/^worker of queue 'calls-[0-9a-f]{8}': closed \(close\(\) was called\)$/)
  })

  it('rejects ready() with ClosedError when closed before it was ready', async () => {
    const worker = createScriptWorker({ connection: connection(), name: uniqueName('calls'), host })
    await worker.close()
    await expect(worker.ready()).rejects.toBeInstanceOf(ClosedError)
  })
})
