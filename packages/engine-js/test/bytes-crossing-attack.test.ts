import { ConversionError, createHost, defineBridge, type Host, LimitExceededError } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { jsEngine } from '../src/index.js'

// Bytes crossing to the host (a Uint8Array or ArrayBuffer in a result, a bridge argument or a
// thrown value) were copied without being counted against the execution's memory budget:
// every reference to one buffer is a separate host copy, so `Array(300).fill(new
// Uint8Array(1e6))` arrived as 300 MB of host memory under a 64 MiB limit (2.5 s, +280 MiB
// RSS; a 30 MB buffer repeated 2,000 times would be 60 GB). Each copy is now counted before
// it is made, like a string's.

const MIB = 2 ** 20
const REPEATED = (what: string) => `((u) => Array(100).fill(u))(new ${what}(${MIB}))`

let host: Host
const received: unknown[] = []
beforeAll(async () => {
  host = await createHost({
    engines: [jsEngine()],
    limits: { timeoutMs: 10_000, memoryBytes: 16 * MIB },
    pool: { min: 1, max: 1 },
  })
  host.bridges.register(defineBridge({ name: 'sink', methods: { put: { args: [z.any()], handler: (_ctx, v) => void received.push(v) } } }))
})
afterAll(() => host.close())

async function failure(source: string): Promise<unknown> {
  try {
    await host.execute({ language: 'js', source })
  } catch (e) {
    return e
  }
  return undefined
}

describe('bytes crossing to the host count against the memory limit', () => {
  for (const [what, source] of [
    ['a result of one Uint8Array repeated', REPEATED('Uint8Array')],
    ['a result of one ArrayBuffer repeated', REPEATED('ArrayBuffer')],
    ['a bridge argument of one Uint8Array repeated', `sink.put(${REPEATED('Uint8Array')}); 1`],
    ['a thrown value of one Uint8Array repeated', `throw { message: 'm', data: ${REPEATED('Uint8Array')} }`],
  ] as const) {
    it(`${what}: 100 MiB of copies under a 16 MiB limit trip 'memory'`, async () => {
      const before = process.memoryUsage().arrayBuffers
      const e = await failure(source)
      expect(e).toBeInstanceOf(LimitExceededError)
      expect((e as LimitExceededError).limit).toBe('memory')
      expect(received).toHaveLength(0)
      // what the failed conversion copied is not kept (generous: other buffers come and go)
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(48 * MIB)
    }, 60_000)
  }

  it('bytes that fit still cross exactly, repeated references included', async () => {
    const r = await host.execute({ language: 'js', source: 'const u = new Uint8Array([1, 2, 255]); [u, u, new ArrayBuffer(2)]' })
    expect(r.value).toEqual([new Uint8Array([1, 2, 255]), new Uint8Array([1, 2, 255]), new Uint8Array(2)])
  })
})

describe('a detached buffer is refused as a value that cannot cross', () => {
  // it failed inside the engine's own copy, as ScriptRuntimeError 'TypeError: ArrayBuffer is detached'
  for (const [source, path] of [
    ['const b = new ArrayBuffer(8); b.transfer(); ({ data: b })', '$.data'],
    ['const b = new ArrayBuffer(8); const u = new Uint8Array(b); b.transfer(); [u]', '$[0]'],
  ] as const) {
    it(source, async () => {
      const e = await failure(source)
      expect(e).toBeInstanceOf(ConversionError)
      expect((e as Error).message).toBe(`${path}: a detached ArrayBuffer cannot cross`)
    })
  }

  it('as a bridge argument too', async () => {
    const e = await failure('const b = new ArrayBuffer(8); b.transfer(); sink.put(b)')
    expect((e as Error).message).toMatch(/sink\.put: .*a detached ArrayBuffer cannot cross/)
    expect(received).toHaveLength(0)
  })
})
