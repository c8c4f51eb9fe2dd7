import { createHost } from '@polyhost/core'
import { describe, expect, it } from 'vitest'
import { jsEngine } from '../src/index.js'

// The stats of a successful execution carry the usage the engine metered (they were built
// before the usage was recorded, and said instructions 0 / memoryBytes 0 for every script).
describe('engine-js: stats of a successful execution', () => {
  it('reports the instructions and memory it metered', async () => {
    const host = await createHost({ engines: [jsEngine()] })
    try {
      const loop = await host.execute({ language: 'js', source: 'let s = 0; for (let i = 0; i < 200000; i++) s += i; s' })
      expect(loop.value).toBe(19999900000)
      expect(loop.stats.instructions).toBeGreaterThanOrEqual(10_000)
      // past the state's free space the heap grows, and that is charged
      const big = await host.execute({
        language: 'js',
        source: "const a = []; for (let i = 0; i < 200000; i++) a.push('x'.repeat(100) + i); a.length",
      })
      expect(big.value).toBe(200000)
      expect(big.stats.memoryBytes).toBeGreaterThan(8_000_000)
      expect(big.stats.instructions).toBeGreaterThan(0)
    } finally {
      await host.close()
    }
  })
})
