import { InvalidArgumentError, LimitExceededError } from '@polyhost/core'
import { describe, expect, it } from 'vitest'
import { createScriptQueue, DEFAULT_MAX_SOURCE_BYTES } from '../src/index.js'
import { connection, uniqueName, useQueueFixture } from './support.js'

// A source larger than the workers' hosts take was stored by scripts.put (32 MiB, 64 MiB) and
// every job of it then failed on a worker with LimitExceededError('source'), after crossing
// Redis with it. Refused at put (and at an inline enqueue) with the error a host gives.

const fx = useQueueFixture({ name: 'source-size', concurrency: 1 })
const MiB = 1024 * 1024

/** What the host (default limits: the standard preset's 1 MiB sourceBytes) says of `source`. */
const hostSays = (source: string) => fx.host.execute({ language: 'lua', source }).catch((e: unknown) => e)

describe('source size', () => {
  it('put refuses a source over maxSourceBytes (default 1 MiB) with the LimitExceededError a host gives', async () => {
    expect(DEFAULT_MAX_SOURCE_BYTES).toBe(MiB)
    for (const source of [`--${'x'.repeat(MiB - 1)}`, `--${'é'.repeat(MiB / 2)}`, 'x'.repeat(32 * MiB)]) {
      const e = await fx.queue.scripts.put('big', { language: 'lua', source }).catch((x: unknown) => x)
      const inline = (await hostSays(source)) as LimitExceededError
      expect(inline).toBeInstanceOf(LimitExceededError)
      expect(e).toBeInstanceOf(LimitExceededError)
      expect({ ...(e as LimitExceededError), message: (e as Error).message }).toEqual({ ...inline, message: inline.message })
      const queued = await fx.queue.enqueue({ script: { language: 'lua', source } }).catch((x: unknown) => x)
      expect((queued as Error).message).toBe(inline.message)
    }
    expect((await fx.queue.scripts.list()).map((s) => s.id)).not.toContain('big')
    expect(await fx.queue.bull.getJobCountByTypes('waiting', 'active', 'completed', 'failed')).toBe(0)
  })

  it('takes a source of exactly maxSourceBytes', async () => {
    const source = `return 1 --${'x'.repeat(MiB - 11)}`
    expect(Buffer.byteLength(source)).toBe(MiB)
    const v = await fx.queue.scripts.put('edge', { language: 'lua', source })
    expect((await (await fx.queue.enqueue({ script: { ref: 'edge', version: v.version } })).result()).value).toBe(1)
  })

  it('follows createScriptQueue({ maxSourceBytes }), a positive integer', async () => {
    const queue = createScriptQueue({ connection: connection(), name: uniqueName('src'), maxSourceBytes: 100 })
    try {
      await queue.scripts.put('ok', { language: 'lua', source: 'x'.repeat(100) })
      await expect(queue.scripts.put('no', { language: 'lua', source: 'x'.repeat(101) })).rejects.toThrow(
        new LimitExceededError('source', 101, 100),
      )
    } finally {
      await queue.close()
    }
    for (const bad of [0, 1.5, '1']) {
      expect(() => createScriptQueue({ connection: connection(), name: 'x', maxSourceBytes: bad as never })).toThrow(InvalidArgumentError)
    }
  })
})
