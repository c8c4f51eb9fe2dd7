import { createHost, defineBridge, LimitExceededError } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { jsEngine } from '../src/index.js'

// When an allocation fails, QuickJS's C glue and quickjs-emscripten turn the NULL into a value:
// a bridge result copied into the script became `undefined` (or `0` through a helper call), a
// helper's pending exception became its result, and a host function's failure reached the
// script as `undefined` after quickjs-emscripten printed it on the host's stderr. A failed
// allocation now ends the execution at once: no host code runs on such a value, and the
// script sees nothing but the memory limit.

const VALUES: Record<string, [unknown, string]> = {
  number: [12345.5, 'r !== 12345.5'],
  string: ['hello', "r !== 'hello'"],
  bigint: [5n, 'r !== 5n'],
  date: [new Date(1000), '!(r instanceof Date) || r.getTime() !== 1000'],
  bytes: [new Uint8Array([1, 2, 3]), '!(r instanceof Uint8Array) || r.length !== 3 || r[2] !== 3'],
}

let host: Awaited<ReturnType<typeof createHost>>
let kind = 'number'
const wrong: unknown[] = []
const received: unknown[] = []

beforeAll(async () => {
  host = await createHost({ engines: [jsEngine()], limits: { timeoutMs: 20_000, memoryBytes: 16 << 20 } })
  host.bridges.register(
    defineBridge({
      name: 'kv',
      methods: {
        get: { args: [], handler: () => VALUES[kind]?.[0] },
        put: { args: [z.string()], handler: (_c, s) => void received.push(s) },
        report: { args: [z.any()], handler: (_c, v) => void wrong.push(v) },
      },
    }),
  )
})
afterAll(() => host.close())

/**
 * Fills the heap to `offset` bytes past 238 blocks of 64 KiB, then creeps to the limit calling `call` each step. (With
 * 240 the fill left ~10 KB below the limit, which the wrappers of guest-heavy-builtins.ts take from the baseline.)
 */
function creeping(offset: number, call: string): string {
  return `const keep = []
    for (let i = 0; i < 238; i++) keep.push(new ArrayBuffer(65536 - 64))
    keep.push(new ArrayBuffer(${offset}))
    let errors = 0
    for (let i = 0; i < 200000; i++) {
      keep.push(new ArrayBuffer(8))
      let r
      try { r = ${call} } catch (e) { if (++errors > 3) break; continue }
      ${call.startsWith('kv.get') ? `if (${VALUES[kind]?.[1]}) kv.report(typeof r === 'bigint' ? String(r) : r)` : ''}
    }`
}

describe('a failed allocation ends the execution at once', () => {
  it.each(Object.keys(VALUES))('a %s bridge result: the script never sees a wrong value, the host never runs on one', async (k) => {
    kind = k
    wrong.length = 0
    const stderr = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      for (let offset = 0; offset <= 1536; offset += 96) {
        const run = host.execute({ language: 'js', source: creeping(offset, 'kv.get()') })
        await expect(run).rejects.toBeInstanceOf(LimitExceededError)
        await expect(run).rejects.toMatchObject({ limit: 'memory' })
      }
      expect(wrong).toEqual([])
      expect(stderr).not.toHaveBeenCalled()
    } finally {
      stderr.mockRestore()
    }
  })

  it('bridge arguments: every handler call gets what the script passed, nothing reaches stderr', async () => {
    received.length = 0
    const stderr = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      for (let offset = 0; offset <= 1536; offset += 96) {
        const run = host.execute({ language: 'js', source: creeping(offset, "kv.put('hello')") })
        await expect(run).rejects.toMatchObject({ limit: 'memory' })
      }
      expect(received.length).toBeGreaterThan(0)
      expect(received.filter((s) => s !== 'hello')).toEqual([])
      expect(stderr).not.toHaveBeenCalled()
    } finally {
      stderr.mockRestore()
    }
  })
})
