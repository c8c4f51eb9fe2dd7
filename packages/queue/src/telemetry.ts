import { type Attributes, context, type Context, ProxyTracerProvider, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { LimitExceededError } from '@polyhost/core'
import type { Job } from 'bullmq'
import type { JobData } from './request-schema.js'

/**
 * OpenTelemetry spans through `@opentelemetry/api`: no-op until the application registers an
 * SDK. `polyhost.queue.enqueue` (producer) is the parent of each attempt's `polyhost.queue.job`
 * (consumer, on whichever worker), which is the parent of `polyhost.execute` around
 * `host.execute`. The enqueue span's context travels in the job's data (`trace`), so the
 * chain holds across processes and machines without a propagator.
 */
export const SPAN = { enqueue: 'polyhost.queue.enqueue', job: 'polyhost.queue.job', execute: 'polyhost.execute' } as const

/** An enqueue span's context as stored in a job: trace id, span id, trace flags. */
export interface TraceCarrier {
  readonly t: string
  readonly s: string
  readonly f: number
}

/** How a job attempt ended, as the span attribute `polyhost.outcome`. */
export type JobOutcome = 'completed' | 'retry' | 'failed' | 'cancelled'

/**
 * Whether an SDK is registered: without one every span is a no-op, and a worker skips making
 * them (their attribute objects and context switches cost about as much per job as a tiny
 * script). Checked per job, so an SDK registered later is picked up.
 */
export function tracing(): boolean {
  const provider = trace.getTracerProvider()
  return !(provider instanceof ProxyTracerProvider) || provider.getDelegateTracer(TRACER) !== undefined
}

/** Runs `fn` inside a span named `name`, ended when `fn` settles; a rejection marks it as an error. */
export function inSpan<T>(
  name: string,
  kind: SpanKind,
  attributes: Attributes,
  parent: Context,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer().startActiveSpan(name, { kind, attributes }, parent, async (span) => {
    try {
      return await fn(span)
    } catch (e) {
      failed(span, e)
      throw e
    } finally {
      span.end()
    }
  })
}

/**
 * Starts a span that the caller ends; `activate` runs code with it as the active span. A span
 * active where it starts that is not its parent (BullMQ's own `process` span, with
 * `bullmq-otel`) becomes a link.
 */
export function startSpan(name: string, kind: SpanKind, attributes: Attributes, parent: Context): Span {
  const here = trace.getSpanContext(context.active())
  const links = here && trace.isSpanContextValid(here) && here.spanId !== trace.getSpanContext(parent)?.spanId ? [{ context: here }] : []
  return tracer().startSpan(name, { kind, attributes, links }, parent)
}

/** Runs `fn` with `span` active (its children, and bridge handlers' spans, nest under it). */
export function activate<T>(span: Span, fn: () => T): T {
  return context.with(trace.setSpan(context.active(), span), fn)
}

/** The carrier of `span` for a job's data, or undefined while nothing records (no SDK). */
export function carrierOf(span: Span): TraceCarrier | undefined {
  const c = span.spanContext()
  return span.isRecording() && trace.isSpanContextValid(c) ? { t: c.traceId, s: c.spanId, f: c.traceFlags } : undefined
}

/** The context a job's span starts in: the enqueue span's (remote) when the job carries one. */
export function parentOf(data: unknown): Context {
  const c = (data as { trace?: Partial<TraceCarrier> } | null)?.trace
  if (!c || typeof c.t !== 'string' || typeof c.s !== 'string' || typeof c.f !== 'number') return context.active()
  const spanContext = { traceId: c.t, spanId: c.s, traceFlags: c.f, isRemote: true }
  return trace.isSpanContextValid(spanContext) ? trace.setSpanContext(context.active(), spanContext) : context.active()
}

/** Marks `span` with the error's class, code and (limit trips) limit name. */
export function failed(span: Span, e: unknown): void {
  const err = e instanceof Error ? e : new Error(String(e))
  span.recordException(err)
  span.setStatus({ code: SpanStatusCode.ERROR, message: err.message })
  const code = (err as { code?: unknown }).code
  span.setAttributes({
    'error.type': err.name,
    ...(typeof code === 'string' && { 'polyhost.error.code': code }),
    ...(err instanceof LimitExceededError && { 'polyhost.limit': err.limit }),
  })
}

/** A job's tenant and script as span attributes. */
export function jobAttributes(data: JobData): Attributes {
  const s = data.script
  return {
    ...(data.tenant !== undefined && { 'polyhost.tenant': data.tenant }),
    ...('ref' in s
      ? { 'polyhost.script.id': s.ref, ...(s.version !== undefined && { 'polyhost.script.version': s.version }) }
      : { 'polyhost.script.inline': true, ...(s.language !== undefined && { 'polyhost.script.language': s.language }) }),
  }
}

export { SpanKind }

// --- internal ---

const TRACER = '@polyhost/queue'

function tracer() {
  return trace.getTracer(TRACER)
}

/** The span of one attempt of `job` on a worker of queue `queue`, child of its enqueue span. */
export function jobSpan(job: Job, queue: string): Span {
  const attributes = {
    'messaging.system': 'bullmq',
    'messaging.operation.type': 'process',
    'messaging.destination.name': queue,
    'messaging.message.id': job.id as string,
    'polyhost.job.attempt': job.attemptsMade + 1,
  }
  return startSpan(SPAN.job, SpanKind.CONSUMER, attributes, parentOf(job.data))
}
