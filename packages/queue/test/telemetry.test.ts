import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { BullMQOtel } from 'bullmq-otel'
import { describe, expect, it } from 'vitest'
import { createScriptQueue, createScriptWorker } from '../src/index.js'
import { connection, uniqueName, useQueueFixture } from './support.js'

// an SDK as an application registers one: spans end up in memory
const exporter = new InMemorySpanExporter()
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
const contextManager = new AsyncLocalStorageContextManager().enable()

// the SDK is registered before the queue exists, and removed once everything is closed
const fx = useQueueFixture({
  name: 'otel',
  concurrency: 2,
  before: () => {
    trace.setGlobalTracerProvider(provider)
    context.setGlobalContextManager(contextManager)
  },
  after: async () => {
    await provider.shutdown()
    trace.disable()
    context.disable()
  },
})

/** The spans of one job: its enqueue span, then each attempt's job span with its execute span. */
function spansOf(jobId: string, queueName = fx.queue.bull.name) {
  const all = exporter.getFinishedSpans()
  // job ids count per queue: the queue's name tells two jobs '1' apart
  const of = (s: ReadableSpan) => s.attributes['messaging.message.id'] === jobId && s.attributes['messaging.destination.name'] === queueName
  const enqueue = all.find((s) => s.name === 'polyhost.queue.enqueue' && of(s))
  const jobs = all
    .filter((s) => s.name === 'polyhost.queue.job' && of(s))
    .sort((a, b) => Number(a.attributes['polyhost.job.attempt']) - Number(b.attributes['polyhost.job.attempt']))
  const executions = jobs.map((j) => all.find((s) => s.name === 'polyhost.execute' && parentId(s) === j.spanContext().spanId))
  return { enqueue, jobs, executions }
}

const parentId = (s: ReadableSpan) => s.parentSpanContext?.spanId

describe('OpenTelemetry spans', () => {
  it('enqueue → job → execute are parent and children in one trace, with tenant, script id and version, outcome', async () => {
    const id = uniqueName('s')
    const { version } = await fx.queue.scripts.put(id, { language: 'lua', source: 'return x * 2' })
    const job = await fx.queue.enqueue({ script: { ref: id }, globals: { x: 21 }, tenant: 'acme' })
    expect((await job.result()).value).toBe(42)
    await expect.poll(() => spansOf(job.id).executions.length).toBe(1)
    const { enqueue, jobs, executions } = spansOf(job.id)
    expect(enqueue?.kind).toBe(SpanKind.PRODUCER)
    expect(enqueue?.attributes).toMatchObject({ 'polyhost.tenant': 'acme', 'polyhost.script.id': id, 'polyhost.script.version': version })
    const [attempt] = jobs
    expect(attempt?.kind).toBe(SpanKind.CONSUMER)
    expect(attempt?.spanContext().traceId).toBe(enqueue?.spanContext().traceId)
    expect(parentId(attempt as ReadableSpan)).toBe(enqueue?.spanContext().spanId)
    expect(attempt?.attributes).toMatchObject({
      'polyhost.tenant': 'acme',
      'polyhost.script.id': id,
      'polyhost.script.version': version,
      'polyhost.job.attempt': 1,
      'polyhost.outcome': 'completed',
    })
    expect(executions[0]?.attributes).toMatchObject({ 'polyhost.outcome': 'ok', 'polyhost.script.language': 'lua' })
    expect(executions[0]?.spanContext().traceId).toBe(enqueue?.spanContext().traceId)
  })

  it('a limit trip: failed job and execute spans name the limit and the error code', async () => {
    const job = await fx.queue.enqueue({ script: { language: 'lua', source: 'while true do end' }, limits: { instructions: 10_000 } })
    await expect(job.result()).rejects.toMatchObject({ limit: 'instructions' })
    await expect.poll(() => spansOf(job.id).executions.length).toBe(1)
    const { jobs, executions } = spansOf(job.id)
    for (const s of [jobs[0], executions[0]]) {
      expect(s?.status.code).toBe(SpanStatusCode.ERROR)
      expect(s?.attributes).toMatchObject({
        'error.type': 'LimitExceededError',
        'polyhost.error.code': 'E_LIMIT',
        'polyhost.limit': 'instructions',
      })
    }
    expect(jobs[0]?.attributes['polyhost.outcome']).toBe('failed')
  })

  it('a retried job: one job span per attempt under the same enqueue span, outcomes retry then completed', async () => {
    const job = await fx.queue.enqueue(
      { script: { language: 'js', source: 'await flaky.call(KEY, 1)' }, globals: { KEY: uniqueName('k') }, tenant: 't2' },
      { attempts: 2 },
    )
    expect((await job.result()).value).toBe('ok after 2')
    await expect.poll(() => spansOf(job.id).executions.length).toBe(2)
    const { enqueue, jobs } = spansOf(job.id)
    expect(jobs.map((s) => s.attributes['polyhost.outcome'])).toEqual(['retry', 'completed'])
    expect(jobs.map((s) => parentId(s))).toEqual([enqueue?.spanContext().spanId, enqueue?.spanContext().spanId])
    expect(jobs[0]?.attributes['polyhost.tenant']).toBe('t2')
  })
})

describe('with BullMQ telemetry (bullmq-otel)', () => {
  it("BullMQ's own spans join: its add span under the enqueue span, its process span linked from the job span", async () => {
    const name = uniqueName('bullotel')
    const telemetry = new BullMQOtel({ tracerName: 'bullmq' })
    const q = createScriptQueue({ connection: connection(), name, telemetry })
    const w = createScriptWorker({ connection: connection(), name, host: fx.host, telemetry })
    try {
      await w.ready()
      const job = await q.enqueue({ script: { language: 'lua', source: 'return 7' }, tenant: 'acme' })
      expect((await job.result()).value).toBe(7)
      await expect.poll(() => spansOf(job.id, name).executions.length).toBe(1)
      const { enqueue, jobs } = spansOf(job.id, name)
      const traceId = enqueue?.spanContext().traceId
      const bull = exporter
        .getFinishedSpans()
        .filter((s) => s.instrumentationScope.name === 'bullmq' && s.spanContext().traceId === traceId)
      // BullMQ's add span nests under the enqueue span
      expect(bull.some((s) => s.kind === SpanKind.PRODUCER && parentId(s) === enqueue?.spanContext().spanId)).toBe(true)
      // BullMQ's process span starts a trace of its own: the job span links to it. BullMQ ends it
      // after the job's completion is stored, so it may finish after the result is read
      const processSpan = () =>
        exporter.getFinishedSpans().find((s) => s.instrumentationScope.name === 'bullmq' && s.name === `process ${name}`)
      await expect.poll(() => processSpan()?.kind).toBe(SpanKind.CONSUMER)
      const process = processSpan()
      expect(process?.kind).toBe(SpanKind.CONSUMER)
      expect(jobs[0]?.links.map((l) => l.context.spanId)).toEqual([process?.spanContext().spanId])
      expect(jobs[0]?.spanContext().traceId).toBe(traceId)
    } finally {
      await w.close()
      await q.close()
    }
  })
})
