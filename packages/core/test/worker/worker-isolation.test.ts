import { AsyncLocalStorage } from 'node:async_hooks'
import { threadId } from 'node:worker_threads'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  BridgeError,
  createHost,
  defineBridge,
  type EnginePlugin,
  type Host,
  type HostOptions,
  InvalidArgumentError,
  LimitExceededError,
  LOG_LINE_BYTES,
  ScriptSyntaxError,
} from '../../src/index.js'
import { blockingEngine } from '../fixtures/blocking-engine.mjs'

// Workers run plain Node and load `@polyhost/core` from dist/: `pnpm turbo run build` first
// (the root `pnpm test` does). Without it createHost fails at once, naming the missing file.

const LIMITS = { instructions: false, memoryBytes: false, stackDepth: false, timeoutMs: 5_000 } as const
let host: Host | undefined

async function start(options: Partial<HostOptions> = {}): Promise<Host> {
  host = await createHost({ engines: [blockingEngine()], isolation: 'worker', workers: 2, limits: LIMITS, ...options })
  return host
}
const run = (h: Host, source: string, extra: object = {}) => h.execute({ language: 'blk', source, ...extra })

afterEach(async () => {
  await host?.close()
  host = undefined
})

describe('isolation: worker', () => {
  it('runs scripts on worker threads with globals, context, logs and stats', async () => {
    const h = await start()
    const r = await run(h, "api.log('hi'); return [api.threadId(), api.globals.n + 1, api.context.user, Object.isFrozen(api.context)]", {
      globals: { n: 41, when: new Date(0) },
      context: { user: 'u7' },
    })
    expect(r.value).toEqual([expect.any(Number), 42, 'u7', true])
    expect((r.value as number[])[0]).not.toBe(threadId)
    expect(r.logs.map((l) => l.message)).toEqual(['hi'])
    expect(r.stats).toMatchObject({
      engine: 'blk',
      outputBytes: 2 + LOG_LINE_BYTES,
      instructions: 1,
      bridgeCalls: 0,
      compileCacheHit: false,
    })
  })

  it('refuses plugins that do not name their module, and unknown isolation modes', async () => {
    const { module: _, ...plain } = blockingEngine()
    await expect(createHost({ engines: [plain as EnginePlugin], isolation: 'worker', limits: LIMITS })).rejects.toThrow(
      /engines\[0\].*does not name its module/,
    )
    await expect(createHost({ engines: [blockingEngine()], isolation: 'process' as 'worker' })).rejects.toThrow(InvalidArgumentError)
    await expect(createHost({ engines: [blockingEngine()], isolation: 'worker', workers: 0, limits: LIMITS })).rejects.toThrow(
      /workers must be/,
    )
  })

  it('keeps a synchronous bridge synchronous and an async one a Promise', async () => {
    const h = await start()
    const seen: unknown[] = []
    h.bridges.register(
      defineBridge({
        name: 'kv',
        methods: {
          get: { args: [z.string()], handler: (ctx, k) => `v:${k}:${ctx.tenant}` },
          later: {
            args: [z.number()],
            handler: async (ctx, n) => {
              seen.push(ctx.signal.aborted)
              return n * 2
            },
          },
        },
      }),
    )
    const r = await run(
      h,
      "const v = api.call('kv.get', 'a'); const p = api.call('kv.later', 4); return [typeof v, v, p instanceof Promise, await p]",
      {
        tenant: 't1',
      },
    )
    expect(r.value).toEqual(['string', 'v:a:t1', true, 8])
    expect(r.stats.bridgeCalls).toBe(2)
    expect(seen).toEqual([false])
  })

  it('runs bridge handlers in the async context of the host.execute caller, as inline', async () => {
    const h = await start()
    const store = new AsyncLocalStorage<string>()
    h.bridges.register(
      defineBridge({
        name: 'who',
        methods: { sync: { args: [], handler: () => store.getStore() }, later: { args: [], handler: async () => store.getStore() } },
      }),
    )
    // concurrent callers, each in its own context: each handler sees its caller's
    const rs = await Promise.all(
      ['a', 'b', 'c'].map((id) => store.run(id, () => run(h, "return [api.call('who.sync'), await api.call('who.later')]"))),
    )
    expect(rs.map((r) => r.value)).toEqual([
      ['a', 'a'],
      ['b', 'b'],
      ['c', 'c'],
    ])
  })

  it('reports handler and validation errors to the script as catchable BridgeErrors', async () => {
    const h = await start()
    h.bridges.register(
      defineBridge({
        name: 'kv',
        methods: {
          boom: { args: [], handler: () => Promise.reject(new Error('store down')) },
          get: { args: [z.string()], handler: (_ctx, k) => k },
        },
      }),
    )
    const r = await run(
      h,
      "const out = []; for (const f of [() => api.call('kv.get', 1), () => api.call('kv.boom')]) { try { await f() } catch (e) { out.push([e.name, e.message]) } } return out",
    )
    expect(r.value).toEqual([
      ['BridgeError', 'kv.get: argument 1: expected string, received number'],
      ['BridgeError', 'store down'],
    ])
    // uncaught, the failure reaches the host as the BridgeError it is, as inline
    await expect(run(h, "api.call('kv.get', 1)")).rejects.toMatchObject({ name: 'BridgeError', path: 'kv.get' })
  })

  it('counts bridge calls on the host and trips the limit there', async () => {
    const h = await start()
    h.bridges.register(defineBridge({ name: 'n', methods: { one: { args: [], handler: () => 1 } } }))
    const err = await run(h, "for (;;) { try { api.call('n.one') } catch {} }", { limits: { bridgeCalls: 5 } }).catch((e) => e)
    expect(err).toBeInstanceOf(LimitExceededError)
    expect(err).toMatchObject({ limit: 'bridgeCalls', used: 6, max: 5 })
    expect(h.stats().limitTrips.bridgeCalls).toBe(1)
  })

  it('counts handler logs and script output against one outputBytes limit', async () => {
    const h = await start()
    h.bridges.register(defineBridge({ name: 'l', methods: { say: { args: [], handler: (ctx) => ctx.log('x'.repeat(6)) } } }))
    const outputBytes = 11 + 3 * LOG_LINE_BYTES
    const ok = await run(h, "api.log('abcd'); api.call('l.say'); api.log('z'); return 1", { limits: { outputBytes } })
    expect(ok.logs.map((l) => l.message)).toEqual(['abcd', 'xxxxxx', 'z'])
    expect(ok.stats.outputBytes).toBe(outputBytes)
    await expect(run(h, "api.log('abcd'); api.call('l.say'); api.log('zz'); return 1", { limits: { outputBytes } })).rejects.toMatchObject({
      limit: 'output',
    })
  })

  it('applies bridge, module and policy changes to the next execution in every worker', async () => {
    const h = await start()
    const probe = 'return [api.visible(), api.modules(), api.fingerprint()]'
    const both = () => Promise.all([run(h, probe), run(h, probe)]).then((rs) => rs.map((r) => r.value))
    expect(await both()).toEqual([
      [[], [], h.security.fingerprint],
      [[], [], h.security.fingerprint],
    ])
    h.bridges.register(defineBridge({ name: 'kv', methods: { get: { args: [], handler: () => 1 }, put: { args: [], handler: () => 2 } } }))
    h.modules.register({ name: 'util', language: 'blk', source: 'x' })
    h.setPolicy({ preset: 'standard', bridges: { allow: ['kv.get'] } })
    for (const v of await both()) expect(v).toEqual([['kv.get'], ['util'], h.security.fingerprint])
    // a denied method is refused on the host even if a script names it
    await expect(run(h, "return api.call('kv.put')")).rejects.toThrow(/kv.put is not available/)
    h.bridges.unregister('kv')
    expect((await run(h, probe)).value).toEqual([[], ['util'], h.security.fingerprint])
  })

  it('rejects syntax errors at compile and caches compiled scripts', async () => {
    const h = await start()
    await expect(h.compile({ language: 'blk', source: 'return (' })).rejects.toThrow(ScriptSyntaxError)
    const s = await h.compile({ language: 'blk', source: 'return api.globals.x * 2', name: 'double.blk' })
    expect((await s.run({ globals: { x: 2 } })).value).toBe(4)
    expect((await s.run({ globals: { x: 5 } })).stats.compileCacheHit).toBe(true)
  })

  it('refuses values that cannot cross threads, with a clear error', async () => {
    const h = await start()
    await expect(run(h, 'return 1', { globals: { f: () => 1 } })).rejects.toMatchObject({ name: 'ConversionError', path: '$.f' })
    // structured clone would turn it into a plain object; inline, the engine refuses it
    class Point {
      x = 1
    }
    await expect(run(h, 'return 1', { globals: { p: [new Point()] } })).rejects.toMatchObject({ name: 'ConversionError', path: '$.p[0]' })
    const throwing = {
      get g() {
        throw new Error('boom')
      },
    }
    await expect(run(h, 'return 1', { globals: throwing })).rejects.toMatchObject({ name: 'ConversionError', path: '$' })
    expect((await run(h, 'return api.globals.m.get("k")', { globals: { m: new Map([['k', new Date(0)]]) } })).value).toEqual(new Date(0))
    await expect(run(h, 'return api.fn()')).rejects.toThrow(/cannot be passed to the host/)
    // refused where it is registered, not by every execute afterwards; the host runs on
    const money = { name: 'Money', test: () => false, toScript: (v: unknown) => v, fromScript: (v: unknown) => v }
    expect(() => h.converters.register(money)).toThrow(InvalidArgumentError)
    expect(() => h.converters.register(money)).toThrow(/^converters\.register: custom type 'Money' cannot be used with isolation 'worker'/)
    expect(h.converters.list().map((t) => t.name)).toEqual(['Date'])
    expect((await run(h, 'return 1')).value).toBe(1)
  })

  it('passes globals holding a Proxy as inline engines read them, each trap once, and refuses detached bytes as they do (clone refuses both)', async () => {
    const h = await start()
    const reads: string[] = []
    const traced = <T extends object>(o: T): T =>
      new Proxy(o, {
        get(t, k, r) {
          if (typeof k === 'string') reads.push(k)
          return Reflect.get(t, k, r)
        },
      })
    const shared = traced({ s: 1 })
    const globals = {
      p: traced({ a: 1, list: new Proxy(Object.assign(new Array(3), { 0: 1, 2: 3 }), {}) }),
      q: { inner: shared, again: shared },
      m: new Map([['k', new Proxy({ z: 2 }, {})]]),
    }
    const r = await run(h, 'return api.globals', { globals })
    expect(r.value).toEqual({
      p: { a: 1, list: [1, undefined, 3] },
      q: { inner: { s: 1 }, again: { s: 1 } },
      m: new Map([['k', { z: 2 }]]),
    })
    expect(reads.sort()).toEqual(['a', 'list', 's'])
    // bytes whose buffer was transferred away: the ConversionError inline engines give, not a clone failure
    const gone = new Uint8Array(8)
    structuredClone(gone.buffer, { transfer: [gone.buffer] })
    await expect(run(h, 'return 1', { globals: { b: gone } })).rejects.toMatchObject({
      name: 'ConversionError',
      path: '$.b',
      message: expect.stringMatching(/the host value could not be read: .*detached/),
    })
    expect((await run(h, 'return api.globals.e.length', { globals: { e: new Uint8Array(0) } })).value).toBe(0)
    // plain globals are posted as they are: no copy
    expect((await run(h, 'return api.globals.x', { globals: { x: [1, { y: 2 }] } })).value).toEqual([1, { y: 2 }])
  })

  it('spreads concurrent executions over the workers', async () => {
    const h = await start()
    const rs = await Promise.all([0, 1, 2, 3].map(() => run(h, 'api.spin(150); return api.threadId()')))
    expect(new Set(rs.map((r) => r.value)).size).toBe(2)
  })

  it('treats pool sizes as totals: split over the workers, never more workers than pool.max', async () => {
    const h = await start({ workers: 4, pool: { min: 2, max: 2 } })
    const stats = h.stats().engines.blk as unknown as { workers: number; pool: { size: number } }
    expect(stats.workers).toBe(2)
    expect(stats.pool.size).toBe(2)
  })

  it('keeps tenants on their own states with partitionByTenant', async () => {
    const h = await start({ workers: 1, pool: { min: 0, max: 4, partitionByTenant: true } })
    const state = (tenant: string) => run(h, 'return api.state()', { tenant }).then((r) => r.value as { id: number; partition: string })
    const a1 = await state('a')
    const b1 = await state('b')
    const a2 = await state('a')
    expect(a1.partition).toBe('a')
    expect(b1.partition).toBe('b')
    expect(b1.id).not.toBe(a1.id)
    expect(a2.id).toBe(a1.id)
  })

  it('throws BridgeError for a script calling an unregistered bridge, like inline', async () => {
    const h = await start()
    const r = await run(h, "try { api.call('nope.x') } catch (e) { return [e instanceof Error, e.name, e.message] }")
    expect(r.value).toEqual([true, 'BridgeError', 'nope.x is not available'])
    expect(BridgeError).toBeDefined()
  })
})
