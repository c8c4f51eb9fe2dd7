import { createHost, type Host } from '@polyhost/core'
import { afterEach, describe, expect, it } from 'vitest'
import { jsEngine } from '../src/index.js'
import { AUDIT_SCRIPT } from './intrinsics-walk.js'

// Issue 18.1 / 19.8: every object a script can reach that outlives its execution is frozen,
// under every preset, inline and in worker isolation (worker mode loads dist/: build first).

const PRESETS = ['minimal', 'standard', 'strict'] as const
type Audit = { checked: number; unfrozen: string[]; count: number; probes: number }

let host: Host | undefined
afterEach(async () => {
  await host?.close()
  host = undefined
})

async function audit(policy: (typeof PRESETS)[number], isolation: 'inline' | 'worker'): Promise<Audit> {
  host = await createHost({
    engines: [jsEngine()],
    policy,
    isolation,
    ...(isolation === 'worker' ? { workers: 1 } : {}),
    // the walk is long for strict's 1 s and 10M instructions on a loaded machine
    limits: { timeoutMs: 60_000, instructions: false },
    pool: { min: 1, max: 1 },
  })
  // twice on one state: the second run sees what the first could have changed
  await host.execute({ language: 'js', source: AUDIT_SCRIPT })
  return (await host.execute({ language: 'js', source: AUDIT_SCRIPT })).value as Audit
}

describe('intrinsics audit', () => {
  for (const isolation of ['inline', 'worker'] as const) {
    for (const policy of PRESETS) {
      it(`every shared object is frozen (${policy}, ${isolation})`, async () => {
        const r = await audit(policy, isolation)
        // the walk reached the realm (QuickJS has ~900 shared objects), not a stub
        expect(r.checked).toBeGreaterThan(500)
        expect({ unfrozen: r.unfrozen, count: r.count }).toEqual({ unfrozen: [], count: 0 })
      }, 120_000)
    }
  }
})

describe('validation checks the fingerprint of the intrinsic set', () => {
  it('an idle state passes it and is kept (a failing check would replace the state)', async () => {
    host = await createHost({ engines: [jsEngine()], pool: { min: 1, max: 1, healthCheckIntervalMs: 50 } })
    await host.execute({ language: 'js', source: '[].values().map((x) => x).toArray()' })
    // several idle validations, each running the guest check (every frozen object still
    // frozen, every syntax probe leading to a known intrinsic)
    await new Promise((r) => setTimeout(r, 400))
    expect((await host.execute({ language: 'js', source: '6 * 7' })).value).toBe(42)
    expect(host.stats().engines.js?.pool).toMatchObject({ created: 1, destroyed: 0 })
  })
})
