import { LimitExceededError } from '@polyhost/core'
import { type BudgetOwner, ConversionBudget, ConversionGuard, LARGE_STRING } from '@polyhost/core/engine'
import { describe, expect, it } from 'vitest'
import { encodeLongString, isLongString } from './host-strings.js'

function owner(memoryBytes: number | false, onCheck: () => void = () => undefined): BudgetOwner {
  return {
    check: onCheck,
    trip: (limit, used) => new LimitExceededError(limit, used, memoryBytes === false ? 0 : memoryBytes),
    limits: { memoryBytes },
  }
}

describe('encodeLongString', () => {
  it('gives the UTF-8 bytes, also when a surrogate pair straddles a step', () => {
    const pair = '\u{1F600}'
    const s = `${'a'.repeat((1 << 20) - 1)}${pair}é${'中'.repeat(LARGE_STRING)}`
    expect(isLongString(s)).toBe(true)
    const out = encodeLongString(s, new ConversionGuard())
    expect(out && Buffer.from(out).equals(Buffer.from(s, 'utf8'))).toBe(true)
  })

  it('refuses a string with an unpaired surrogate', () => {
    expect(encodeLongString(`${'a'.repeat(LARGE_STRING)}\ud800`, new ConversionGuard())).toBeUndefined()
  })

  it('counts the string against the memory budget before making any byte', () => {
    const guard = new ConversionGuard(64, new ConversionBudget(owner(1 << 20)))
    expect(() => encodeLongString('x'.repeat(2 << 20), guard)).toThrow(/^memory limit exceeded/)
  })

  it('checks the deadline between steps, so a late deadline stops it after one step', () => {
    let checks = 0
    const deadline = owner(false, () => {
      if (++checks >= 1) throw new LimitExceededError('timeout', 101, 100)
    })
    const guard = new ConversionGuard(64, new ConversionBudget(deadline))
    expect(() => encodeLongString('x'.repeat(24 << 20), guard)).toThrow(/^timeout limit exceeded/)
    expect(checks).toBe(1)
  })
})
