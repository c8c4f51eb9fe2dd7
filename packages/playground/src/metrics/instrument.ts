import { CancelledError, type ExecuteRequest, type ExecutionResult, type Host, LimitExceededError, ScriptSyntaxError } from '@polyhost/core'
import { type Span, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api'
import type { ExecutionOutcome, HostMetrics } from './prometheus.js'

/** What `observedExecute` reports to. Both are optional. */
export interface Observers {
  readonly metrics?: HostMetrics
  /**
   * An OpenTelemetry tracer, or `true` for the global one (`@polyhost/playground`). Without an
   * SDK registered, `@opentelemetry/api` hands out no-op spans: tracing then costs nothing.
   */
  readonly tracing?: Tracer | boolean
}

/**
 * `host.execute(request)`, recorded: one `polyhost.execute` span per execution (language,
 * script name, tenant, stats as attributes; the error recorded on failure) and one metrics
 * observation. The result or error is passed through unchanged.
 */
export async function observedExecute(host: Host, request: ExecuteRequest, observers: Observers): Promise<ExecutionResult> {
  const tracer = observers.tracing === true ? trace.getTracer('@polyhost/playground') : observers.tracing || undefined
  if (!tracer) return measure(host, request, observers.metrics, undefined)
  return tracer.startActiveSpan('polyhost.execute', { attributes: spanAttributes(request) }, async (span) => {
    try {
      return await measure(host, request, observers.metrics, span)
    } finally {
      span.end()
    }
  })
}

/**
 * The `engine` label of executions no engine was found for (an unknown language or extension,
 * a request refused before routing): one fixed value, so callers' text never becomes a series.
 */
export const UNRESOLVED_ENGINE = 'unknown'

/** The tenant the host runs a request as: `tenant`, else `context.tenant` when a non-empty string. */
export function tenantOf(request: ExecuteRequest): string | undefined {
  const fromContext = request.context?.tenant
  return request.tenant ?? (typeof fromContext === 'string' && fromContext !== '' ? fromContext : undefined)
}

/** The outcome label of an error: `limit`, `syntax`, `cancelled` or `error`. */
export function outcomeOf(error: unknown): ExecutionOutcome['outcome'] {
  if (error instanceof LimitExceededError) return 'limit'
  if (error instanceof ScriptSyntaxError) return 'syntax'
  if (error instanceof CancelledError) return 'cancelled'
  return 'error'
}

// --- internal ---

async function measure(host: Host, request: ExecuteRequest, metrics: HostMetrics | undefined, span: Span | undefined) {
  const started = performance.now()
  const tenant = tenantOf(request)
  try {
    const r = await host.execute(request)
    metrics?.observe({ engine: r.stats.engine, tenant, outcome: 'ok', stats: r.stats, seconds: (performance.now() - started) / 1000 })
    span?.setAttributes({
      'polyhost.engine': r.stats.engine,
      'polyhost.duration_ms': r.stats.durationMs,
      'polyhost.instructions': r.stats.instructions,
      'polyhost.memory_bytes': r.stats.memoryBytes,
      'polyhost.bridge_calls': r.stats.bridgeCalls,
      'polyhost.compile_cache_hit': r.stats.compileCacheHit,
    })
    return r
  } catch (e) {
    const outcome = outcomeOf(e)
    const seconds = (performance.now() - started) / 1000
    if (metrics) metrics.observe({ engine: engineOf(host, request), tenant, outcome, seconds })
    if (span) {
      span.setAttribute('polyhost.outcome', outcome)
      if (e instanceof LimitExceededError) span.setAttribute('polyhost.limit', e.limit)
      span.recordException(e as Error)
      span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error)?.message })
    }
    throw e
  }
}

function spanAttributes(request: ExecuteRequest): Record<string, string> {
  const a: Record<string, string> = {}
  if (request.language) a['polyhost.language'] = request.language
  if (request.name) a['polyhost.script'] = request.name
  const tenant = tenantOf(request)
  if (tenant) a['polyhost.tenant'] = tenant
  return a
}

/**
 * The engine a failed request ran on, as a success labels it (`stats.engine`, the engine's id),
 * from the host's own routing; a request no engine takes, or one the host cannot route, is
 * `UNRESOLVED_ENGINE`: the label takes at most the engines' ids and that value.
 */
function engineOf(host: Host, request: ExecuteRequest): string {
  try {
    return host.engineFor(request)
  } catch {
    return UNRESOLVED_ENGINE
  }
}
