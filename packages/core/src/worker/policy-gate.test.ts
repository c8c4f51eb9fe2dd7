import { SecurityManager } from '@polyhost/security'
import { describe, expect, it } from 'vitest'
import { PolicyGate } from './policy-gate.js'

const minimal = SecurityManager.resolve('minimal')
const strict = SecurityManager.resolve('strict')

describe('PolicyGate', () => {
  it('lets executions of the policy in force in at once, and switches only when none holds it', async () => {
    const gate = new PolicyGate(minimal)
    expect(gate.enter(minimal)).toBeUndefined()
    const order: string[] = []
    const s = gate.enter(strict)?.then(() => order.push(`strict under ${gate.security.fingerprint === strict.fingerprint}`))
    // an old-policy arrival after the switch was asked for queues behind it
    const m = gate.enter(minimal)?.then(() => order.push('minimal'))
    expect(s).toBeDefined()
    expect(m).toBeDefined()
    await Promise.resolve()
    expect(order).toEqual([])
    expect(gate.security).toBe(minimal)
    gate.leave()
    await s
    expect(order).toEqual(['strict under true'])
    expect(gate.active).toBe(1)
    gate.leave()
    await m
    expect(order).toEqual(['strict under true', 'minimal'])
    expect(gate.security).toBe(minimal)
  })

  it('lets several executions of one policy hold it together', () => {
    const gate = new PolicyGate(strict)
    expect(gate.enter(strict)).toBeUndefined()
    expect(gate.enter(strict)).toBeUndefined()
    expect(gate.active).toBe(2)
  })
})
