import { CancelledError, type ExecutionResult, type Host, LimitExceededError, ScriptRuntimeError } from '@polyhost/core'
import { failsWith, preview, sleep, test, waitFor } from '../checks.js'
import { BridgeProbe } from '../fixtures.js'
import type { TestKit } from '../kit.js'
import type { ConformanceArea, ConformanceTest } from '../types.js'

/** Rounds of the clause: in each, tenant alpha takes a turn, then tenant beta. */
export const TENANT_ROUNDS = 1_000
const TENANTS = ['alpha', 'beta'] as const
type Tenant = (typeof TENANTS)[number]
/** The second half runs under a seeded generator and a frozen clock (`host.setPolicy`). */
const FROZEN_NOW = Date.UTC(2021, 5, 7, 8, 9, 10)
const POLICY_SEED = 20_210_607
/** What each tenant seeds its generator with where scripts can: the same every turn, so a carried seed repeats. */
const SCRIPT_SEED: Readonly<Record<Tenant, number>> = { alpha: 1_111, beta: 2_222 }
const FIELDS = ['leaked', 'own', 'injected', 'late', 'intact', 'sync', 'async', 'ctx', 'stored', 'context', 'module'] as const

/**
 * Two tenants alternate on one host with every feature in use; each tries to observe the
 * other (globals, injected globals, tampered builtins and metatables, the random
 * generator, the clock, bridge-side state, module exports, logs, pending work) and leaves
 * its own traces, including through errors, limit trips and aborts. Nothing a tenant
 * observes may depend on the other.
 */
async function alternate(t: TestKit, host: Host): Promise<void> {
  const probe = new BridgeProbe().on(host)
  const modules = Boolean(t.caps.modules && t.s.moduleExporting)
  if (modules)
    host.modules.register({
      name: 'shared',
      language: t.language,
      source: (t.s.moduleExporting as (v: object) => string)({ name: 'shared' }),
    })
  const turn = (t.s.tenantTurn as (tenant: string, other: string) => string).bind(t.s)
  const sources = { alpha: turn('alpha', 'beta'), beta: turn('beta', 'alpha') }
  // traces a failing execution leaves; tampering may take the bridges away from the rest of the script
  const traces = (tenant: Tenant) => `${t.s.writeGlobal(`left_${tenant}`, 'dirty')}\n${t.s.print('dirty')}`
  const dirty = (tenant: Tenant) => `${traces(tenant)}\n${t.s.tamperBuiltins()}`
  const runaway: { limit: LimitExceededError['limit']; limits: Record<string, number> } =
    t.caps.limits.instructions === 'none'
      ? { limit: 'timeout', limits: { timeoutMs: 100 } }
      : { limit: 'instructions', limits: { instructions: 100_000 } }
  const stored: Record<Tenant, string | null> = { alpha: null, beta: null }
  const delivered: [ExecutionResult, number][] = []
  const draws = new Set<number>()
  let seeded: number[] | undefined

  for (let round = 0; round < TENANT_ROUNDS; round++) {
    const frozen = round >= TENANT_ROUNDS / 2
    if (round === TENANT_ROUNDS / 2) host.setPolicy({ preset: 'standard', determinism: { seed: POLICY_SEED, now: FROZEN_NOW } })
    for (const tenant of TENANTS) {
      const where = `tenant ${tenant}, round ${round}`
      const name = (kind: string) => `${kind}-${tenant}${t.s.extension ?? ''}`
      const options = { tenant, context: { tenant } }
      if (round === 250 || round === 750) {
        // few trips: in worker mode a loaded machine may turn a trip into a kill (the thread
        // missed the watchdog's margin), and each kill backs its tenant off (250 ms, doubling)
        const cpu = round === 250 || t.caps.limits.bridgeCalls === 'none'
        const source = cpu ? `${dirty(tenant)}\n${t.s.infiniteLoop()}` : `${traces(tenant)}\n${t.s.bridgeLoop('kv.tick')}`
        const limits = cpu ? runaway.limits : { bridgeCalls: 20 }
        const e = await failsWith(t, t.run(host, source, { ...options, name: name(cpu ? 'runaway' : 'trip'), limits }), LimitExceededError)
        t.expect(e.limit, where).toBe(cpu ? runaway.limit : 'bridgeCalls')
        continue
      }
      if (round % 100 === 99 && t.caps.asyncBridges) {
        const controller = new AbortController()
        const holds = probe.signals.length
        const source = `${traces(tenant)}\n${t.s.awaitBridge('kv.hold', ['held'])}`
        const running = t.run(host, source, {
          ...options,
          name: name('abort'),
          signal: controller.signal,
        })
        await waitFor(() => probe.signals.length > holds)
        controller.abort()
        await failsWith(t, running, CancelledError)
        continue
      }
      if (round % 10 === 5) {
        // the tampering before the throw may break the throw itself: any runtime error will do
        await failsWith(
          t,
          t.run(host, `${dirty(tenant)}\n${t.s.throwError(`boom-${tenant}`)}`, { ...options, name: name('error') }),
          ScriptRuntimeError,
        )
        continue
      }
      const secret = `${tenant}-${round}-${Math.random().toString(36).slice(2, 10)}`
      const before = Date.now()
      const r = await t
        .run(host, sources[tenant], {
          ...options,
          name: name('turn'),
          globals: { turn: { secret, seed: SCRIPT_SEED[tenant] }, [`g_${tenant}`]: secret },
        })
        .catch((e: Error) => {
          throw new Error(`${where}: the turn failed: ${e.name}: ${e.message}`, { cause: e })
        })
      const after = Date.now()
      const seen = r.value as Record<string, unknown>
      const got = Object.fromEntries(FIELDS.map((k) => [k, seen[k] ?? null]))
      const expected: Record<string, unknown> = {
        leaked: null,
        own: null,
        injected: null,
        late: null,
        intact: true,
        sync: secret.toUpperCase(),
        async: t.caps.asyncBridges ? `${secret}!` : secret.toUpperCase(),
        ctx: tenant,
        stored: stored[tenant],
        context: tenant,
        module: null,
      }
      const off = FIELDS.filter((k) => preview(got[k]) !== preview(expected[k])).map((k) => `${k} ${preview(got[k])}`)
      t.expect(got, `${where}: ${off.join(', ')}`).toEqual(expected)
      stored[tenant] = secret
      // the generator: fresh for every execution, never the other tenant's nor a continued one
      const random = seen.random as number[]
      t.expect(
        Array.isArray(random) && random.length === 3 && random.every((x) => typeof x === 'number' && x >= 0 && x < 1),
        `${where}: random ${JSON.stringify(random)}`,
      ).toBe(true)
      if (frozen) {
        seeded ??= random
        t.expect(random, `${where}: a seeded generator starts over in every execution`).toEqual(seeded)
        t.expect(seen.clock, `${where}: the frozen clock`).toBe(Math.floor(FROZEN_NOW / 1000))
      } else {
        for (const x of random) {
          t.expect(draws.has(x), `${where}: draw ${x} was seen before (a shared or restarted generator)`).toBe(false)
          draws.add(x)
        }
        t.expect(seen.clock as number, `${where}: the clock`).toBeGreaterThanOrEqual(Math.floor(before / 1000) - 1)
        t.expect(seen.clock as number, `${where}: the clock`).toBeLessThanOrEqual(Math.floor(after / 1000) + 1)
      }
      // logs: this turn's own lines only (its pending work may add its own late line)
      const own = r.logs.filter((l) => l.message !== `late:${secret}`).map((l) => [l.level, l.message])
      t.expect(own, `${where}: logs`).toEqual([
        ['info', secret],
        ['warn', secret],
      ])
      delivered.push([r, r.logs.length])
    }
  }
  // pending work of the last turns had time to finish: no delivered result grew
  await sleep(50)
  const grown = delivered.filter(([r, n]) => r.logs.length !== n).map(([r]) => r.logs.map((l) => l.message))
  t.expect(grown, 'logs appended to results already delivered').toEqual([])
}

function tenantTest(partitionByTenant: boolean | undefined): ConformanceTest {
  const id = partitionByTenant === false ? 'tenants.alternating-shared' : 'tenants.alternating'
  const title =
    partitionByTenant === false
      ? `two tenants alternating ${TENANT_ROUNDS} times on one shared state (partitionByTenant false) observe nothing of each other`
      : `two tenants alternating ${TENANT_ROUNDS} times with default options observe nothing of each other`
  const run = async (t: TestKit) => {
    const host = await t.host(partitionByTenant === false ? { pool: { max: 1, partitionByTenant } } : {})
    await alternate(t, host)
  }
  // 2,000 executions: seconds on a quiet machine, much longer on a loaded one
  return { ...test(id, title, run, ['tenantTurn']), timeoutMs: 300_000 }
}

export const tenantsArea: ConformanceArea = {
  name: 'tenants',
  tests: [tenantTest(undefined), tenantTest(false)],
}
