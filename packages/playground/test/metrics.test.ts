import type { Host } from '@polyhost/core'
import { type Span, type SpanOptions, type Tracer, trace } from '@opentelemetry/api'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { HostMetrics, observedExecute, startPlayground, UNRESOLVED_ENGINE } from '../src/index.js'
import { fixtureHost } from './fixture-host.js'

let host: Host
beforeAll(async () => {
  host = await fixtureHost()
})
afterAll(async () => {
  await host?.close()
})

/** A tracer that keeps what spans were given: enough to see the adapter's calls without an SDK. */
function recordingTracer() {
  const spans: { name: string; attributes: Record<string, unknown>; status?: unknown; exceptions: unknown[]; ended: boolean }[] = []
  const tracer = {
    startActiveSpan(name: string, options: SpanOptions, fn: (span: Span) => unknown) {
      const rec = {
        name,
        attributes: { ...(options.attributes ?? {}) } as Record<string, unknown>,
        status: undefined as unknown,
        exceptions: [] as unknown[],
        ended: false,
      }
      spans.push(rec)
      const span = {
        setAttribute(k: string, v: unknown) {
          rec.attributes[k] = v
          return span
        },
        setAttributes(a: Record<string, unknown>) {
          Object.assign(rec.attributes, a)
          return span
        },
        recordException(e: unknown) {
          rec.exceptions.push(e)
        },
        setStatus(s: unknown) {
          rec.status = s
          return span
        },
        end() {
          rec.ended = true
        },
      }
      return fn(span as unknown as Span)
    },
  } as unknown as Tracer
  return { tracer, spans }
}

describe('OpenTelemetry spans', () => {
  it('make one polyhost.execute span per execution with stats, and record a limit trip as an error', async () => {
    const { tracer, spans } = recordingTracer()
    const ok = await observedExecute(host, { language: 'lua', source: 'return 1 + 1', name: 'a.lua', tenant: 't1' }, { tracing: tracer })
    expect(ok.value).toBe(2)
    await expect(
      observedExecute(host, { language: 'lua', source: 'while true do end', limits: { instructions: 10_000 } }, { tracing: tracer }),
    ).rejects.toMatchObject({ limit: 'instructions' })
    expect(spans).toHaveLength(2)
    expect(spans[0]).toMatchObject({
      name: 'polyhost.execute',
      ended: true,
      attributes: { 'polyhost.language': 'lua', 'polyhost.script': 'a.lua', 'polyhost.tenant': 't1', 'polyhost.engine': 'lua' },
    })
    expect(spans[0]?.attributes['polyhost.instructions']).toBeGreaterThan(0)
    expect(spans[1]).toMatchObject({
      ended: true,
      status: { code: 2 },
      attributes: { 'polyhost.outcome': 'limit', 'polyhost.limit': 'instructions' },
    })
    expect(spans[1]?.exceptions).toHaveLength(1)
  })

  it('carry the tenant the host runs as: request.tenant, else context.tenant', async () => {
    const { tracer, spans } = recordingTracer()
    const ctx = { language: 'lua', source: 'return context.tenant', context: { tenant: 'acme' } }
    expect((await observedExecute(host, ctx, { tracing: tracer })).value).toBe('acme')
    await observedExecute(host, { ...ctx, tenant: 'own' }, { tracing: tracer })
    await observedExecute(host, { language: 'lua', source: 'return 1', context: { tenant: '' } }, { tracing: tracer })
    expect(spans.map((s) => s.attributes['polyhost.tenant'])).toEqual(['acme', 'own', undefined])
  })

  it('are no-ops through the global API when no SDK is registered', async () => {
    const span = trace.getTracer('x').startSpan('probe')
    expect(span.isRecording()).toBe(false)
    span.end()
    await expect(observedExecute(host, { language: 'js', source: '40 + 2' }, { tracing: true })).resolves.toMatchObject({ value: 42 })
  })
})

describe('Prometheus metrics', () => {
  it('label engine and outcome, and tenant only when asked', async () => {
    const plain = new HostMetrics()
    const tenants = new HostMetrics({ tenantLabel: true, prefix: 'ph_' })
    for (const m of [plain, tenants]) {
      await observedExecute(host, { language: 'js', source: '1', context: { tenant: 'acme' } }, { metrics: m })
      await observedExecute(host, { language: 'lua', source: 'error("x")' }, { metrics: m }).catch(() => undefined)
    }
    const a = await plain.metrics()
    expect(a).toMatch(/^polyhost_observed_executions_total\{engine="js",outcome="ok"\} 1$/m)
    expect(a).toMatch(/^polyhost_observed_executions_total\{engine="lua",outcome="error"\} 1$/m)
    expect(a).not.toMatch(/tenant=/)
    const b = await tenants.metrics()
    expect(b).toMatch(/^ph_observed_executions_total\{engine="js",outcome="ok",tenant="acme"\} 1$/m)
  })

  it('label a failure with the engine that ran it, as a success, and no engine with one fixed value', async () => {
    const own = await fixtureHost()
    try {
      const m = new HostMetrics()
      const requests = [
        // a file name's route fails before any success on it: the engine is found by the host
        { name: 'b.LUA', source: 'error("x")' },
        { language: 'javascript', source: 'throw 1' },
        { language: 'javascript', source: '1' },
        { name: 'a.lua', source: 'return 1' },
        { language: 'cobol-xxxxxxxx', source: '1' },
        { name: 'noext', source: '1' },
      ]
      for (const r of requests) await observedExecute(own, r, { metrics: m }).catch(() => undefined)
      const lines = (await m.metrics()).split('\n').filter((l) => l.startsWith('polyhost_observed_executions_total{'))
      expect(lines.sort()).toEqual([
        'polyhost_observed_executions_total{engine="js",outcome="error"} 1',
        'polyhost_observed_executions_total{engine="js",outcome="ok"} 1',
        'polyhost_observed_executions_total{engine="lua",outcome="error"} 1',
        'polyhost_observed_executions_total{engine="lua",outcome="ok"} 1',
        `polyhost_observed_executions_total{engine="${UNRESOLVED_ENGINE}",outcome="error"} 2`,
      ])
    } finally {
      await own.close()
    }
  })

  it('ask the host which engine a failure ran on: nothing is compiled for a label', async () => {
    const own = await fixtureHost()
    try {
      const m = new HostMetrics()
      const compiles = vi.spyOn(own, 'compile')
      const routes = vi.spyOn(own, 'engineFor')
      const failing = [
        { name: 'c.lua', source: 'error("x")' },
        { language: 'js', source: 'throw 1', name: 'd.mjs' },
        { name: 'e.JS', source: 'syntax error here' },
      ]
      for (const r of failing) await observedExecute(own, r, { metrics: m }).catch(() => undefined)
      expect(compiles).not.toHaveBeenCalled()
      expect(routes).toHaveBeenCalledTimes(3)
      const lines = (await m.metrics()).split('\n').filter((l) => l.startsWith('polyhost_observed_executions_total{'))
      expect(lines.sort()).toEqual([
        'polyhost_observed_executions_total{engine="js",outcome="error"} 1',
        'polyhost_observed_executions_total{engine="js",outcome="syntax"} 1',
        'polyhost_observed_executions_total{engine="lua",outcome="error"} 1',
      ])
    } finally {
      await own.close()
    }
  })

  it('mirror host.stats() at scrape time, summed over tracked hosts', async () => {
    const m = new HostMetrics()
    m.track(host)
    m.track(() => undefined)
    const before = host.stats()
    const text = await m.metrics()
    expect(text).toContain(`polyhost_executions_total ${before.executions}\n`)
    expect(text).toContain(`polyhost_limit_trips_total{limit="instructions"} ${before.limitTrips.instructions}\n`)
    await host.execute({ language: 'lua', source: 'return 1' })
    expect(await m.metrics()).toContain(`polyhost_executions_total ${before.executions + 1}\n`)
    expect(text).toMatch(/^polyhost_pool_states\{engine="lua",state="idle"\} \d+$/m)
  })

  it('count a host once when it is tracked again, by itself or by a playground sharing the metrics', async () => {
    const m = new HostMetrics()
    m.track(host)
    m.track(host)
    const pg = await startPlayground({ host, metrics: m })
    try {
      const r = await fetch(`${pg.url}/api/execute`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"language":"lua","source":"return 1"}',
      })
      expect(r.status).toBe(200)
      const s = host.stats()
      const text = await (await fetch(`${pg.url}/metrics`)).text()
      expect(text).toContain(`\npolyhost_executions_total ${s.executions}\n`)
      expect(text).toContain(`\npolyhost_compile_cache_entries ${s.cache.size}\n`)
      expect(text).toContain(`\npolyhost_pool_states{engine="lua",state="idle"} ${s.engines.lua?.pool.idle}\n`)
    } finally {
      await pg.close()
    }
  })
})
