import { ConversionError, createHost, defineBridge, LimitExceededError } from '@polyhost/core'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { jsEngine } from '../src/index.js'

// A guest array's length costs the guest nothing (`a.length = 2 ** 32 - 1`), and its holes
// cost nothing to read. The host built the converted array one element at a time with the
// deadline checked once per array: without a memory limit the host process aborted (V8's
// "invalid size" past ~112 million elements, exit 133) under a 100 ms limit; with the
// standard 64 MiB limit an 8e6-long array ran 1.6 s against a 1 s limit, a 3e7-long one
// 6–9 s under the minimal preset, and a 3e6-long bridge argument 700 ms against 300 ms.
// Generous bounds: a loaded 2-core machine.

const LATE_MS = 400

async function timed<T>(p: Promise<T>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now()
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  return { error, ms: performance.now() - started }
}

describe('arrays of holes crossing to the host', () => {
  it('without a memory limit, a 2^32 - 1 long result is refused, the host lives and serves on', async () => {
    const host = await createHost({ engines: [jsEngine()], policy: 'minimal', limits: { timeoutMs: 100, memoryBytes: false } })
    try {
      const { error } = await timed(host.execute({ language: 'js', source: 'let a = []; a.length = 2 ** 32 - 1; a' }))
      expect(error).toBeInstanceOf(ConversionError)
      expect((error as Error).message).toMatch(/4294967295 entries: more than 16777216 cannot cross/)
      expect((await host.execute({ language: 'js', source: '6 * 7' })).value).toBe(42)
    } finally {
      await host.close()
    }
  })

  it('under a memory limit, a long array of holes ends at the deadline', async () => {
    const host = await createHost({ engines: [jsEngine()], limits: { timeoutMs: 300, memoryBytes: 256 * 1024 * 1024 } })
    try {
      const { error, ms } = await timed(host.execute({ language: 'js', source: 'let a = []; a.length = 1.6e7; a' }))
      expect(error).toBeInstanceOf(LimitExceededError)
      expect((error as LimitExceededError).limit).toBe('timeout')
      expect(ms).toBeLessThan(300 + LATE_MS)
    } finally {
      await host.close()
    }
  })

  it('as a bridge argument, likewise', async () => {
    const host = await createHost({ engines: [jsEngine()], limits: { timeoutMs: 300, memoryBytes: 256 * 1024 * 1024 } })
    host.bridges.register(defineBridge({ name: 'kv', methods: { put: { args: [z.array(z.unknown())], handler: (_ctx, a) => a.length } } }))
    try {
      const { error, ms } = await timed(host.execute({ language: 'js', source: 'let a = []; a.length = 1.6e7; kv.put(a)' }))
      expect(error).toBeInstanceOf(LimitExceededError)
      expect((error as LimitExceededError).limit).toBe('timeout')
      expect(ms).toBeLessThan(300 + LATE_MS)
    } finally {
      await host.close()
    }
  })
})
