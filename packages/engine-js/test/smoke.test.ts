import { createHost } from '@polyhost/core'
import { describe, expect, it } from 'vitest'
import { jsEngine } from '../src/index.js'

describe('smoke', () => {
  it('runs a + b', async () => {
    const host = await createHost({ engines: [jsEngine()] })
    try {
      const r = await host.execute({ language: 'js', source: 'let c = a + b; c', globals: { a: 1, b: 2 } })
      expect(r.value).toBe(3)
      const r2 = await host.execute({ language: 'js', source: 'let c = a * b; c', globals: { a: 4, b: 2 } })
      expect(r2.value).toBe(8)
    } finally {
      await host.close()
    }
  })
})
