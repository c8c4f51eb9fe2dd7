import { describe, expect, it } from 'vitest'
import { ConversionError, LimitExceededError } from '../errors.js'
import { Execution } from '../execution.js'
import { executionInit, NO_LIMITS } from '../../test/fixtures/bare-execution.js'
import { type BudgetOwner, CONTAINER_BYTES, ConversionBudget, ENTRY_BYTES } from './budget.js'
import { ConversionGuard, MAX_ENTRIES } from './guard.js'

function execution(memoryBytes: number | false, timeoutMs: number | false = 10_000): Execution {
  return new Execution(executionInit({ limits: { ...NO_LIMITS, timeoutMs, memoryBytes } }))
}

describe('ConversionBudget', () => {
  it('counts bytes as they are produced and trips the execution memory limit past the budget', () => {
    const x = execution(1000)
    const b = new ConversionBudget(x)
    b.add(600)
    expect(b.bytes).toBe(600)
    expect(() => b.addString(500)).toThrow(LimitExceededError)
    expect(x.fatal).toBeInstanceOf(LimitExceededError)
    expect((x.fatal as LimitExceededError).limit).toBe('memory')
    expect((x.fatal as LimitExceededError).used).toBe(600 + 500 + ENTRY_BYTES)
  })

  it('has no byte cap when the execution has no memory limit', () => {
    const b = new ConversionBudget(execution(false))
    b.add(2 ** 40)
    expect(b.bytes).toBe(2 ** 40)
  })

  it('checks the deadline as work proceeds, not only at the end', () => {
    let checks = 0
    const owner: BudgetOwner = {
      check: () => void checks++,
      trip: () => new LimitExceededError('memory', 0, 0),
      limits: { memoryBytes: false },
    }
    const b = new ConversionBudget(owner)
    for (let i = 0; i < 10_000; i++) b.add(8)
    expect(checks).toBeGreaterThanOrEqual(4)
    checks = 0
    // a long string counts one unit per 4 KiB: a few of them reach a check at once
    for (let i = 0; i < 3; i++) b.addString(4 << 20)
    expect(checks).toBeGreaterThanOrEqual(1)
  })

  it('checks the deadline over entries that produce nothing (an array of holes)', () => {
    let checks = 0
    const owner: BudgetOwner = {
      check: () => void checks++,
      trip: () => new LimitExceededError('memory', 0, 0),
      limits: { memoryBytes: false },
    }
    const g = new ConversionGuard(64, new ConversionBudget(owner))
    g.enter([], undefined, 0)
    checks = 0
    for (let i = 0; i < 10_000; i++) g.entry()
    expect(checks).toBeGreaterThanOrEqual(4)
  })

  it('refuses a container of more than MAX_ENTRIES entries, whatever the limits', () => {
    const g = new ConversionGuard(64, new ConversionBudget(execution(false, false)))
    expect(() => g.enter([], undefined, MAX_ENTRIES + 1)).toThrow(ConversionError)
    expect(() => g.enter([], undefined, MAX_ENTRIES + 1)).toThrow(/more than 16777216 cannot cross/)
    expect(() => new ConversionGuard().enter({}, undefined, MAX_ENTRIES)).not.toThrow()
  })

  it('ends a conversion past the deadline with the timeout limit', async () => {
    const x = execution(false, 5)
    await new Promise((r) => setTimeout(r, 20))
    const b = new ConversionBudget(x)
    const e = (() => {
      try {
        for (let i = 0; i < 100_000; i++) b.add(8)
      } catch (err) {
        return err
      }
    })()
    expect(e).toBeInstanceOf(LimitExceededError)
    expect((e as LimitExceededError).limit).toBe('timeout')
  })

  it('is applied by the guard: every container with its entries, every copy of a shared one', () => {
    const b = new ConversionBudget(execution(false))
    const g = new ConversionGuard(64, b)
    const shared = [1, 2, 3]
    g.enter({}, undefined, 2)
    g.enter(shared, 'a', 3)
    g.leave(true)
    g.enter(shared, 'b', 3)
    g.leave(true)
    g.string(10)
    expect(b.bytes).toBe(3 * CONTAINER_BYTES + (2 + 3 + 3) * ENTRY_BYTES + 10 + ENTRY_BYTES)
  })
})
