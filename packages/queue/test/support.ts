import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { EventEmitter } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import { createHost, defineBridge, type Host, type HostOptions, InvalidArgumentError } from '@polyhost/core'
import { jsEngine } from '@polyhost/engine-js'
import { luaEngine } from '@polyhost/engine-lua'
import { Worker } from 'bullmq'
import { afterAll, beforeAll, expect, inject } from 'vitest'
import { z } from 'zod'
import { createScriptQueue, createScriptWorker, RetryableError, type ScriptQueue, type ScriptWorker } from '../src/index.js'

/** Tells a test when a bridge of {@link testHost} started (`'hang'`). */
export const bridgeEvents = new EventEmitter()

/** Connection options of the redis-server the global setup started. */
export function connection(): { host: string; port: number } {
  const port = inject('redisPort')
  if (!port) throw new Error('redis-server is not installed (/usr/bin/redis-server): apt-get install redis-server')
  return { host: '127.0.0.1', port }
}

/** A queue name no other test uses. */
export function uniqueName(what: string): string {
  return `${what}-${randomUUID().slice(0, 8)}`
}

/**
 * A host with both engines and the test bridges: `flaky.call(key, failures)` throws a
 * RetryableError for its first `failures` calls per key, `calls.count(key)` reads that count.
 */
export async function testHost(options: Partial<HostOptions> = {}): Promise<Host> {
  const host = await createHost({ engines: [luaEngine(), jsEngine()], limits: { timeoutMs: 2000 }, ...options })
  const seen = new Map<string, number>()
  host.bridges.register(
    defineBridge({
      name: 'flaky',
      methods: {
        call: {
          args: [z.string(), z.number()],
          handler: async (_ctx, key, failures) => {
            const n = (seen.get(key) ?? 0) + 1
            seen.set(key, n)
            if (n <= failures) throw new RetryableError(`upstream unavailable (${n})`)
            return `ok after ${n}`
          },
        },
        fail: {
          args: [],
          handler: () => {
            throw new Error('bad request')
          },
        },
        // answers after `ms` unless the execution is aborted first
        sleep: {
          args: [z.number()],
          handler: (ctx, ms) => {
            bridgeEvents.emit('sleep')
            return sleep(ms, 'slept', { signal: ctx.signal })
          },
        },
        // waits until the execution's signal fires
        hang: {
          args: [],
          handler: (ctx) => {
            bridgeEvents.emit('hang')
            return new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)))
          },
        },
      },
    }),
  )
  return host
}

/** A host, a queue and a worker serving it, shared by the tests of one file. */
export interface QueueFixture {
  readonly host: Host
  readonly queue: ScriptQueue
  readonly worker: ScriptWorker
}

/**
 * Makes a {@link QueueFixture} in `beforeAll` (a {@link testHost}, a queue with a short fixed
 * backoff, a worker of `concurrency`) and closes worker, queue and host in `afterAll`.
 * `before` runs before any of them exists (a tracer provider the queue must see), `after`
 * once they are closed.
 */
export function useQueueFixture(options: {
  readonly name: string
  readonly concurrency: number
  readonly host?: Partial<HostOptions>
  readonly before?: () => void
  readonly after?: () => Promise<void>
}): QueueFixture {
  const fx: { -readonly [K in keyof QueueFixture]?: QueueFixture[K] } = {}
  beforeAll(async () => {
    options.before?.()
    const name = uniqueName(options.name)
    fx.host = await testHost(options.host)
    fx.queue = createScriptQueue({ connection: connection(), name, defaultJobOptions: { backoff: { type: 'fixed', delay: 20 } } })
    fx.worker = createScriptWorker({ connection: connection(), name, host: fx.host, concurrency: options.concurrency })
    await fx.worker.ready()
  })
  afterAll(async () => {
    await fx.worker?.close()
    await fx.queue?.close()
    await fx.host?.close()
    await options.after?.()
  })
  return fx as QueueFixture
}

/** A plain BullMQ worker that takes one job of queue `name` and dies holding it (its lock is left to expire). */
export async function dieHoldingOne(name: string): Promise<void> {
  let taken!: () => void
  const took = new Promise<void>((r) => {
    taken = r
  })
  const dead = new Worker(
    name,
    () => {
      taken()
      return new Promise(() => undefined)
    },
    // no stalled check of its own: it would hold off the next one for its default 30 s
    { connection: connection(), lockDuration: 1000, skipStalledCheck: true },
  )
  await took
  await dead.close(true)
}

/**
 * A test host for one file, with a `ran.mark(tag)` bridge: `ran` lists the tags of the
 * scripts that ran, so a test can tell whether a job's script ran, and how often.
 */
export function useMarkingHost(): { host: () => Host; ran: string[] } {
  let host: Host | undefined
  const ran: string[] = []
  beforeAll(async () => {
    host = await testHost()
    host.bridges.register(
      defineBridge({ name: 'ran', methods: { mark: { args: [z.string()], handler: (_ctx, tag) => void ran.push(tag) } } }),
    )
  })
  afterAll(async () => {
    await host?.close()
  })
  return { host: () => host as Host, ran }
}

/** Open TCP sockets of this process (ioredis connections among them). */
export const sockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length

/** The socket count once sockets of earlier tests have finished closing. */
export async function settledSockets(): Promise<number> {
  let n = sockets()
  for (;;) {
    await sleep(100)
    if (sockets() === n) return n
    n = sockets()
  }
}

/** `make` throws InvalidArgumentError matching `message`, and no socket is left open. */
export async function refusedWithoutConnections(make: () => unknown, message: RegExp): Promise<void> {
  const before = await settledSockets()
  let thrown: unknown
  try {
    make()
  } catch (e) {
    thrown = e
  }
  expect(thrown).toBeInstanceOf(InvalidArgumentError)
  expect((thrown as Error).message).toMatch(message)
  // ioredis opens its socket on a later turn: give it the chance to
  await sleep(100)
  expect(sockets()).toBe(before)
}

/**
 * For a test file that runs a redis-server of its own: a host and a temporary directory for
 * that server's files (an append-only file survives a restart), made before the file's tests
 * and removed after them. Read `host()` and `dir()` inside the tests.
 */
export function useRestartFixture(): { host: () => Host; dir: () => string } {
  let host: Host | undefined
  let dir: string | undefined
  beforeAll(async () => {
    connection() // fails clearly when redis-server is missing
    host = await testHost()
    dir = mkdtempSync(join(tmpdir(), 'polyhost-redis-'))
  })
  afterAll(async () => {
    await host?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })
  return { host: () => host as Host, dir: () => dir as string }
}
