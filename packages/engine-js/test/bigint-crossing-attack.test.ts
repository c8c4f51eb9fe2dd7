import { createHost, type Host, ScriptRuntimeError } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jsEngine } from '../src/index.js'

// A BigInt crossed the boundary as decimal text (quickjs-emscripten's getBigInt/newBigInt, and
// String() of a thrown value): QuickJS's decimal conversion is quadratic and never calls the
// interrupt handler, so returning or throwing `2n ** 1000000n` held an inline host for 13–33 s
// under a 1–5 s limit. It now crosses as hexadecimal (linear); a huge thrown BigInt is
// described in hexadecimal.

const BIG = 2n ** 1_000_000n
let host: Host
beforeAll(async () => {
  host = await createHost({ engines: [jsEngine()], limits: { timeoutMs: 1_000 }, pool: { min: 1, max: 1 } })
})
afterAll(() => host.close())

async function timed<T>(run: () => Promise<T>): Promise<{ value?: T; error?: unknown; ms: number }> {
  const started = performance.now()
  try {
    const value = await run()
    return { value, ms: performance.now() - started }
  } catch (error) {
    return { error, ms: performance.now() - started }
  }
}

describe('huge BigInts cross without a decimal conversion', () => {
  it('a returned BigInt of a million bits arrives whole, quickly', async () => {
    const r = await timed(() => host.execute({ language: 'js', source: '[2n ** 1000000n, -(2n ** 1000000n) + 5n, -1n, 0n]' }))
    expect(r.error).toBeUndefined()
    expect(r.value?.value).toEqual([BIG, -BIG + 5n, -1n, 0n])
    expect(r.ms).toBeLessThan(3_000)
  }, 60_000)

  it('a host BigInt of a million bits reaches the script whole', async () => {
    const r = await timed(() =>
      host.execute({
        language: 'js',
        source: '[x === 2n ** 1000000n + 7n, y === -(2n ** 1000000n), String(z)]',
        globals: { x: BIG + 7n, y: -BIG, z: -17n },
      }),
    )
    expect(r.error).toBeUndefined()
    expect(r.value?.value).toEqual([true, true, '-17'])
    expect(r.ms).toBeLessThan(3_000)
  }, 60_000)

  it('a thrown huge BigInt (or one as an error message) is described in hexadecimal', async () => {
    for (const [source, start] of [
      ['throw 2n ** 1000000n', 'uncaught 0x1000'],
      ['throw -(2n ** 1000000n)', 'uncaught -0x1000'],
      ["const e = new Error('x'); e.message = 2n ** 1000000n; throw e", 'Error: 0x1000'],
      ['throw -123n', 'uncaught -123'],
    ] as const) {
      const r = await timed(() => host.execute({ language: 'js', source }))
      expect(r.error, source).toBeInstanceOf(ScriptRuntimeError)
      expect((r.error as Error).message.startsWith(start), source).toBe(true)
      expect(r.ms, source).toBeLessThan(3_000)
    }
    expect((await host.execute({ language: 'js', source: '6 * 7' })).value).toBe(42)
  }, 120_000)
})
