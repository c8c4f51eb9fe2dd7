import type { Host } from '@polyhost/core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createScriptQueue, type EnqueueOptions, type ScriptQueue, type ScriptRequest } from '../src/index.js'
import { connection, testHost, uniqueName } from './support.js'
import { startWorkers, type WorkerProcess } from './worker-processes.js'

// One producer (this process) and three worker processes, each with its own host.
const JOBS = 1000
const name = uniqueName('multi')
let queue: ScriptQueue
let workers: WorkerProcess[] = []
let inline: Host

beforeAll(async () => {
  queue = createScriptQueue({ connection: connection(), name, defaultJobOptions: { backoff: { type: 'fixed', delay: 50 } } })
  inline = await testHost()
  // niced: this is a throughput run, and other packages' timing tests may run beside it
  workers = await startWorkers(3, { REDIS_PORT: String(connection().port), QUEUE: name, CONCURRENCY: '4' }, 10)
}, 60_000)
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()))
  await queue?.close()
  await inline?.close()
})

/** The i-th job of the mix: request, options, and whether it retries through a flaky bridge. */
function jobFor(i: number): { request: ScriptRequest; options: EnqueueOptions; flaky?: true } {
  const globals = { x: i }
  switch (i % 10) {
    case 0:
      return { request: { script: { ref: 'double' }, globals }, options: {} }
    case 1:
      return { request: { script: { language: 'js', source: 'x * 3' }, globals }, options: {} }
    case 2:
      return { request: { script: { language: 'lua', source: 'local y = x\nerror("bad " .. y)', name: 'e.lua' }, globals }, options: {} }
    case 3:
      return { request: { script: { language: 'js', source: '\nthrow new RangeError("r" + x)', name: 'e.js' }, globals }, options: {} }
    case 4:
      return { request: { script: { language: 'lua', source: 'while true do end' }, limits: { instructions: 20_000 } }, options: {} }
    case 5:
      // a JS limit trip discards its QuickJS state (costly to rebuild): half of these are syntax errors
      return i % 20 === 5
        ? { request: { script: { language: 'js', source: 'for (;;) {}' }, limits: { instructions: 50_000 } }, options: {} }
        : { request: { script: { language: 'js', source: 'let x = ;', name: 's.js' } }, options: {} }
    case 6:
      return {
        request: { script: { language: 'lua', source: 'return flaky.call(K, 1)' }, globals: { K: `k${i}` } },
        options: { attempts: 3 },
        flaky: true,
      }
    case 7:
      return { request: { script: { language: 'lua', source: 'return x + 0.5' }, globals }, options: { delay: 100 + (i % 500) } }
    case 8:
      return { request: { script: { language: 'js', source: "'p' + x" }, globals }, options: { priority: 1 + (i % 7) } }
    default:
      return { request: { script: { ref: 'triple' }, globals }, options: {} }
  }
}

const SOURCES = { double: { language: 'lua', source: 'return x * 2' }, triple: { language: 'js', source: 'x * 3' } } as const

/** The outcome a caller sees: a value, or the error's class, code, limit and position. */
async function outcome(p: Promise<{ value: unknown }>) {
  return p.then(
    (r) => ({ value: r.value }),
    (e) => ({
      error: {
        class: e.constructor.name,
        code: e.code,
        // a limit's measured use may differ between two runs; a script error's text may not
        message: e.limit ? undefined : e.message,
        limit: e.limit,
        line: e.line,
        scriptName: e.scriptName,
      },
    }),
  )
}

it(`${JOBS} mixed jobs over 3 worker processes: each ends once, as inline`, async () => {
  for (const [id, s] of Object.entries(SOURCES)) await queue.scripts.put(id, s)
  const jobs = Array.from({ length: JOBS }, (_, i) => jobFor(i))
  const t0 = performance.now()
  const handles = await queue.enqueueMany(jobs)
  const got = await Promise.all(handles.map((h) => outcome(h.result({ timeoutMs: 50_000 }))))
  const seconds = (performance.now() - t0) / 1000
  console.log(`${JOBS} jobs in ${seconds.toFixed(1)} s (${(JOBS / seconds).toFixed(0)}/s) over 3 worker processes`)

  // expected outcomes from this process's own host, inline (flaky: its bridge counts per
  // process); a limit trip costs a fresh state, so each distinct limit request runs once
  const limitTrips = new Map<string, ReturnType<typeof outcome>>()
  const tInline = performance.now()
  for (let i = 0; i < JOBS; i++) {
    const j = jobs[i] as ReturnType<typeof jobFor>
    if (j.flaky) {
      expect(got[i]).toEqual({ value: 'ok after 2' })
      continue
    }
    const s = j.request.script
    const source = 'ref' in s ? SOURCES[s.ref as keyof typeof SOURCES] : s
    const run = () => outcome(inline.execute({ ...source, globals: j.request.globals, limits: j.request.limits }))
    const key = JSON.stringify(s)
    if (j.request.limits && !limitTrips.has(key)) limitTrips.set(key, run())
    const want = await (j.request.limits ? limitTrips.get(key) : run())
    expect(got[i], `job ${i}`).toEqual(want)
  }
  console.log(`inline expectations in ${((performance.now() - tInline) / 1000).toFixed(1)} s`)

  // a worker's report of its last attempts may trail the result events
  const reported = () => workers.reduce((n, w) => n + w.messages.filter((m) => m.type === 'attempt').length, 0)
  for (let t = 0; t < 100 && reported() < JOBS + JOBS / 10; t++) await new Promise((r) => setTimeout(r, 50))

  // exactly once: every job has one completed or failed attempt, flaky ones one failed before
  const attempts = new Map<string, string[]>()
  for (const m of workers.flatMap((w) => w.messages)) {
    if (m.type === 'attempt') attempts.set(m.jobId as string, [...(attempts.get(m.jobId as string) ?? []), m.outcome as string])
  }
  expect(attempts.size).toBe(JOBS)
  for (let i = 0; i < JOBS; i++) {
    const seen = attempts.get((handles[i] as { id: string }).id)
    const ok = 'value' in (got[i] as object)
    // attempts of one job may run in different processes: compare as sets of outcomes
    const expected = jobs[i]?.flaky ? ['completed', 'failed'] : [ok ? 'completed' : 'failed']
    expect(seen?.sort(), `job ${i}`).toEqual(expected)
  }
  const perWorker = workers.map((w) => w.messages.filter((m) => m.type === 'attempt').length)
  console.log(`attempts per worker process: ${perWorker.join(', ')}`)
  expect(perWorker.every((n) => n > 0)).toBe(true)
}, 150_000)
