import { SecurityManager } from '@polyhost/core'
import { describe, expect, it } from 'vitest'
import { guestConfigFor } from './sandbox-config.js'

describe('guestConfigFor', () => {
  it('standard keeps eval and removes only host escapes', () => {
    const c = guestConfigFor(SecurityManager.resolve('standard'))
    expect(c.noEval).toBe(false)
    expect(c.remove).toEqual(expect.arrayContaining(['SharedArrayBuffer', 'Atomics', 'FinalizationRegistry']))
    expect(c.remove).not.toContain('Proxy')
    expect([c.console, c.print, c.time, c.random]).toEqual([true, true, 'real', 'real'])
  })

  it('strict removes dynamic code, Proxy and WeakRef', () => {
    const c = guestConfigFor(SecurityManager.resolve('strict'))
    expect(c.noEval).toBe(true)
    expect(c.remove).toEqual(expect.arrayContaining(['Proxy', 'WeakRef']))
  })

  it('maps denied libraries and determinism', () => {
    const c = guestConfigFor(
      SecurityManager.resolve({
        preset: 'standard',
        libraries: { deny: ['Math.random', 'json'] },
        determinism: { time: 'frozen', random: 'seeded', seed: 3 },
      }),
    )
    expect(c.noRandom).toBe(true)
    expect(c.remove).toContain('JSON')
    expect([c.time, c.random]).toEqual(['frozen', 'seeded'])
  })
})
