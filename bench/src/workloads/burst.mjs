/** Tenants and executions of the burst (as in engine-js/test/burst.test.ts). */
const TENANTS = 200
const EXECUTIONS = 500
const BOUND_MS = 120_000
const SOURCE = "tenant + ':' + n"

/**
 * Workload 10: a burst of 500 concurrent JS executions for 200 distinct tenants with
 * `partitionByTenant` (the default) and `pool.max` 8, so most executions need a state made
 * or traded for their tenant. Run with every state set up in full (`snapshots: false`, the
 * engine before snapshots) and with states copied from a snapshot. Latency is from submit
 * to result; CPU is the process's user + system time during the burst.
 *
 * @param {import('../workloads.mjs').WorkloadContext} ctx
 * @returns {Promise<import('../workloads.mjs').WorkloadResult>}
 */
export async function burst(ctx) {
  const { createHost } = await import('@polyhost/core')
  const { jsEngine } = await import('@polyhost/engine-js')
  const rows = []
  const n = ctx.quick ? 100 : EXECUTIONS
  for (const snapshots of [false, true]) {
    const host = await createHost({
      engines: [jsEngine({ snapshots })],
      policy: 'standard',
      limits: { timeoutMs: BOUND_MS },
      pool: { max: 8, acquireTimeoutMs: BOUND_MS },
    })
    await host.execute({ language: 'js', source: '1' })
    const latencies = []
    const cpu = process.cpuUsage()
    const started = performance.now()
    await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const tenant = `t${i % TENANTS}`
        const submitted = performance.now()
        const r = await host.execute({ language: 'js', source: SOURCE, tenant, globals: { tenant, n: i } })
        if (r.value !== `${tenant}:${i}`) throw new Error(`burst: ${tenant} got ${JSON.stringify(r.value)}`)
        latencies.push(performance.now() - submitted)
      }),
    )
    const wall = performance.now() - started
    const used = process.cpuUsage(cpu)
    const created = host.stats().engines.js?.pool.created ?? 0
    await host.close()
    latencies.sort((a, b) => a - b)
    const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]
    rows.push([
      snapshots ? 'snapshot copies (after)' : 'full set-up per state (before)',
      String(n),
      String(created),
      at(0.5).toFixed(0),
      at(0.99).toFixed(0),
      wall.toFixed(0),
      ((used.user + used.system) / 1e6).toFixed(2),
    ])
  }
  return {
    id: 10,
    title: `Burst: ${EXECUTIONS} concurrent JS executions for ${TENANTS} tenants (partitionByTenant, pool.max 8)`,
    unit: 'ms (latency, wall), s (CPU)',
    rows: [],
    ratios: [],
    table: { header: ['states', 'executions', 'states created', 'p50 ms', 'p99 ms', 'wall ms', 'CPU s'], rows },
    notes: ['One run each; latency counts the wait for a state of the tenant. "Before" is the same engine with snapshots off.'],
  }
}
