import type { Host } from '@polyhost/core'
import { isNil, test } from '../checks.js'
import type { TestKit } from '../kit.js'
import type { ConformanceArea, ConformanceTest } from '../types.js'

/** One execution writes a global and tampers with builtins; the next must see neither. */
async function dirtyThenCheck(t: TestKit, host: Host, first: { tenant?: string }, second: { tenant?: string }): Promise<void> {
  const dirty = `${t.s.writeGlobal('leaked', 'secret')}\n${t.s.tamperBuiltins()}\n${t.s.returnLiteral(true)}`
  // tampering may be refused by read-only builtins; the execution may fail, the host may not
  await t.run(host, dirty, first).catch((e: unknown) => t.expect((e as { code?: string }).code).toBe('E_RUNTIME'))
  t.expect(isNil((await t.run(host, t.s.readGlobal('leaked'), second)).value), 'a global written before is gone').toBe(true)
  t.expect((await t.run(host, t.s.builtinsIntact(), second)).value, 'builtins are pristine').toBe(true)
}

function tenantTests(partitionByTenant: boolean): ConformanceTest[] {
  const mode = partitionByTenant ? 'partitioned' : 'shared'
  return [
    test(`isolation.tenants-${mode}`, `another tenant sees nothing of the first (partitionByTenant ${partitionByTenant})`, async (t) => {
      const host = await t.host({ pool: { max: 1, partitionByTenant } })
      await dirtyThenCheck(t, host, { tenant: 'alpha' }, { tenant: 'beta' })
      await dirtyThenCheck(t, host, { tenant: 'beta' }, { tenant: 'alpha' })
    }),
    test(
      `isolation.same-tenant-${mode}`,
      `the same tenant’s next execution starts clean (partitionByTenant ${partitionByTenant})`,
      async (t) => {
        const host = await t.host({ pool: { max: 1, partitionByTenant } })
        await dirtyThenCheck(t, host, { tenant: 'alpha' }, { tenant: 'alpha' })
      },
    ),
  ]
}

export const isolationArea: ConformanceArea = {
  name: 'isolation',
  tests: [
    test('isolation.builtins-probe', 'builtinsIntact is true on a fresh state', async (t) => {
      t.expect(await t.value(t.s.builtinsIntact())).toBe(true)
    }),
    test('isolation.globals', 'globals written by one execution are invisible to the next on the same state', async (t) => {
      const host = await t.host({ pool: { max: 1 } })
      await t.run(host, `${t.s.writeGlobal('leaked', 'secret')}\n${t.s.returnLiteral(true)}`)
      t.expect(isNil((await t.run(host, t.s.readGlobal('leaked'))).value)).toBe(true)
      t.expect((await t.run(host, t.s.hasPath(['leaked']))).value).toBe(false)
    }),
    test('isolation.injected-globals', 'globals injected into one execution are gone in the next', async (t) => {
      const host = await t.host({ pool: { max: 1 } })
      t.expect((await t.run(host, t.s.readGlobal('g'), { globals: { g: 'one' } })).value).toBe('one')
      t.expect(isNil((await t.run(host, t.s.readGlobal('g'))).value)).toBe(true)
    }),
    test('isolation.builtins', 'builtin tampering is invisible to the next execution', async (t) => {
      const host = await t.host({ pool: { max: 1 } })
      await dirtyThenCheck(t, host, {}, {})
      await dirtyThenCheck(t, host, {}, {})
    }),
    test('isolation.builtins-after-error', 'tampering followed by an error is invisible to the next execution', async (t) => {
      const host = await t.host({ pool: { max: 1 } })
      const source = `${t.s.tamperBuiltins()}\n${t.s.throwError('after tampering')}`
      await t.run(host, source).catch(() => undefined)
      t.expect((await t.run(host, t.s.builtinsIntact())).value).toBe(true)
    }),
    ...tenantTests(false),
    ...tenantTests(true),
    test('isolation.partition-states', 'with partitionByTenant a state that ran one tenant never runs another', async (t) => {
      const host = await t.host({ pool: { max: 1, partitionByTenant: true } })
      await t.run(host, t.s.returnLiteral(1), { tenant: 'alpha' })
      await t.run(host, t.s.returnLiteral(1), { tenant: 'beta' })
      await t.run(host, t.s.returnLiteral(1), { tenant: 'alpha' })
      const stats = await t.settled(host)
      t.expect(stats.created, 'each tenant switch needs a new state').toBe(3)
    }),
    test('isolation.concurrent-executions', 'concurrent executions each see only their own globals and context', async (t) => {
      const host = await t.host({ pool: { max: 3 } })
      const runs = Array.from({ length: 9 }, (_, i) =>
        t.run(host, t.s.readGlobal('id'), { globals: { id: `run-${i}` }, context: { tenant: `t${i % 3}` } }),
      )
      const values = (await Promise.all(runs)).map((r) => r.value)
      t.expect(values).toEqual(Array.from({ length: 9 }, (_, i) => `run-${i}`))
    }),
  ],
}
