// Declared globals and `context` are checked against their schemas and handed to the script
// from one read: a getter (or Proxy) answering the check with a valid value and the script with
// another must not get past the schema. Worker mode loads dist/.
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { ConversionError } from '../src/errors.js'
import { createHost, type Host } from '../src/index.js'
import { blockingEngine } from './fixtures/blocking-engine.mjs'

const LIMITS = { instructions: false, memoryBytes: false, stackDepth: false, timeoutMs: 10_000 } as const
let host: Host | undefined
afterEach(async () => {
  await host?.close()
  host = undefined
})

/** A value whose first read answers `first`, every later one `later`. */
function flipping<T>(first: T, later: T): { reads: () => number; get: () => T } {
  let reads = 0
  return { reads: () => reads, get: () => (++reads === 1 ? first : later) }
}

describe.each(['inline', 'worker'] as const)('declared values are read once (%s)', (isolation) => {
  it('a declared global: the script gets the value that was checked', async () => {
    host = await createHost({
      engines: [blockingEngine()],
      isolation,
      workers: 1,
      limits: LIMITS,
      globals: { order: z.object({ qty: z.number().int().max(10), lines: z.array(z.number().max(10)) }) },
    })
    const qty = flipping(1, 1e9)
    const line = flipping(2, 1e9)
    const lines = [0]
    Object.defineProperty(lines, 0, { get: line.get, enumerable: true })
    const order = {
      get qty() {
        return qty.get()
      },
      lines,
    }
    const r = await host.execute({
      language: 'blk',
      source: 'return [api.globals.order.qty, api.globals.order.lines[0]]',
      globals: { order },
    })
    expect(r.value).toEqual([1, 2])
    expect([qty.reads(), line.reads()]).toEqual([1, 1])
    // a plainly invalid value is still refused
    const e = await host
      .execute({ language: 'blk', source: 'return 1', globals: { order: { qty: 1e9, lines: [] } } })
      .catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ConversionError)
  })

  it('context: the script gets the value that was checked', async () => {
    host = await createHost({
      engines: [blockingEngine()],
      isolation,
      workers: 1,
      limits: LIMITS,
      context: z.object({ tenant: z.string(), role: z.enum(['user']) }),
    })
    const role = flipping('user', 'admin')
    const context = {
      tenant: 't1',
      get role() {
        return role.get()
      },
    }
    const r = await host.execute({ language: 'blk', source: 'return api.context.role', context })
    expect(r.value).toBe('user')
    expect(role.reads()).toBe(1)
  })

  it('a declared global whose getter throws is a ConversionError naming it', async () => {
    host = await createHost({
      engines: [blockingEngine()],
      isolation,
      workers: 1,
      limits: LIMITS,
      globals: { order: z.object({ qty: z.number() }) },
    })
    const order = {
      get qty(): number {
        throw new Error('unreadable')
      },
    }
    const e = await host.execute({ language: 'blk', source: 'return 1', globals: { order } }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ConversionError)
    expect((e as Error).message).toContain('the host value could not be read: unreadable')
  })
})
