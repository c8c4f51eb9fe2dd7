import type { Execution } from '@polyhost/core/engine'
import { describe, expect, it } from 'vitest'
import { InterruptMeter } from './interrupt-meter.js'

// `afford` records the timeout of a call that cannot finish in the time left; `fits` only asks
// (guest-string-search.ts's replace asks for its worst case before counting its matches).
// The execution is a stand-in with the fields the meter reads: a deadline 10 s away.
function execution(fatal?: Error): { ex: Execution; trips: unknown[][] } {
  const trips: unknown[][] = []
  const now = performance.now()
  const ex = { fatal, startedAt: now, deadline: now + 10_000, trip: (...a: unknown[]) => trips.push(a) }
  return { ex: ex as unknown as Execution, trips }
}

describe('InterruptMeter: afford and fits', () => {
  it('fits answers whether the work fits in the time left and records nothing', () => {
    const meter = new InterruptMeter()
    const { ex, trips } = execution()
    expect(meter.fits(ex, 5)).toBe(true)
    expect(meter.fits(ex, 0)).toBe(true)
    expect(meter.fits(ex, 60_000)).toBe(false)
    expect(trips).toEqual([])
  })

  it('afford records the timeout, at the time the call would have ended, when the work does not fit', () => {
    const meter = new InterruptMeter()
    const { ex, trips } = execution()
    expect(meter.afford(ex, 5)).toBe(true)
    expect(trips).toEqual([])
    expect(meter.afford(ex, 60_000)).toBe(false)
    expect(trips).toHaveLength(1)
    expect(trips[0]?.[0]).toBe('timeout')
    expect(trips[0]?.[1]).toBeGreaterThanOrEqual(60_000)
  })

  it('an execution already failed fits nothing, and nothing more is recorded; a set-up (no execution) fits all', () => {
    const meter = new InterruptMeter()
    const { ex, trips } = execution(new Error('tripped'))
    expect(meter.fits(ex, 1)).toBe(false)
    expect(meter.afford(ex, 1)).toBe(false)
    expect(trips).toEqual([])
    expect(meter.fits(undefined, 60_000)).toBe(true)
    expect(meter.afford(undefined, 60_000)).toBe(true)
  })
})
