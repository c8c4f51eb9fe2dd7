import { afterAll, beforeAll, expect, it } from 'vitest'
import { createScriptQueue, QueueUnavailableError, type ScriptQueue } from '../src/index.js'
import { freePort, startRedis, stopRedis } from './redis-global-setup.js'
import { connection, uniqueName } from './support.js'

// Calls of a queue made while its redis-server is down. `enqueue` and `schedule` waited up to
// `connectTimeoutMs` for the connection and then rejected with QueueUnavailableError; the other
// calls went through ioredis' offline queue, held until ioredis gave up on them: `stats()` and
// `cancel()` rejected after 0.5–10 s with ioredis' bare MaxRetriesPerRequestError, and
// `unschedule`, `scripts.list`, `job.progress` and `job.result` were still waiting after 15 s
// (the retry delay grows to 2 s an attempt, 20 attempts a command). Each now waits as `enqueue`
// does and rejects with QueueUnavailableError naming the call.

const CONNECT_TIMEOUT_MS = 500
let queue: ScriptQueue
let stop: () => Promise<void>

beforeAll(async () => {
  connection() // fails clearly when redis-server is missing
  const port = await freePort()
  const server = await startRedis(port)
  stop = () => stopRedis(server)
  queue = createScriptQueue({ connection: { host: '127.0.0.1', port }, name: uniqueName('outage'), connectTimeoutMs: CONNECT_TIMEOUT_MS })
  queue.bull.on('error', () => undefined) // Redis down: expected
  await queue.scripts.put('s', { language: 'lua', source: 'return 1' })
  await queue.stats()
  await stop()
  await new Promise((r) => setTimeout(r, 300))
})
afterAll(async () => {
  await queue?.close()
  await stop?.()
})

const calls: [string, string, () => Promise<unknown>][] = [
  ['stats()', 'stats', () => queue.stats()],
  ['cancel(id)', 'cancel', () => queue.cancel('some-job')],
  ['unschedule(id)', 'unschedule', () => queue.unschedule('nightly')],
  ['scripts.list()', 'scripts.list', () => queue.scripts.list()],
  ['scripts.get(id)', 'scripts.get', () => queue.scripts.get('s')],
  ['scripts.put(id)', 'scripts.put', () => queue.scripts.put('s', { language: 'lua', source: 'return 2' })],
  ['job(id).progress()', 'job.progress', () => queue.job('some-job').progress()],
  ['job(id).result()', 'job.result', () => queue.job('some-job').result()],
  ['enqueue', 'enqueue', () => queue.enqueue({ script: { ref: 's' } })],
]

it.each(calls)('%s rejects with QueueUnavailableError after connectTimeoutMs', async (_, what, call) => {
  const started = Date.now()
  const e = await Promise.race([
    call().then(
      () => 'resolved',
      (e: unknown) => e,
    ),
    new Promise((r) => setTimeout(r, 8000, 'still waiting').unref()),
  ])
  expect(e).toBeInstanceOf(QueueUnavailableError)
  expect((e as Error).message).toMatch(new RegExp(`^${what.replace('.', '\\.')}: Redis at 127\\.0\\.0\\.1:\\d+ is not reachable`))
  // waited for the connection: at least connectTimeoutMs (8 s bounds a loaded machine's delay)
  expect(Date.now() - started).toBeGreaterThanOrEqual(CONNECT_TIMEOUT_MS - 50)
})
