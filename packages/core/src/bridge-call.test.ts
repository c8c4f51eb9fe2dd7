import { SecurityManager } from '@polyhost/security'
import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { type BridgeContext, BridgeRegistry, defineBridge } from './bridges.js'
import { BridgeError, LimitExceededError } from './errors.js'
import { kvBridge, bridgeError, execution } from '../test/fixtures/kv-bridge.js'

describe('Execution.callBridge', () => {
  it('validates arguments with script-readable messages', () => {
    const r = new BridgeRegistry()
    r.register(kvBridge())
    const ex = execution(r, { bridgeCalls: false })
    expect(bridgeError(() => ex.callBridge('kv.get', [42])).message).toBe('kv.get: argument 1: expected string, received number')
    expect(bridgeError(() => ex.callBridge('kv.set', ['a'])).message).toBe('kv.set: argument 2: expected string, received undefined')
    expect(bridgeError(() => ex.callBridge('kv.get', [null])).message).toBe('kv.get: argument 1: expected string, received null')
    expect(bridgeError(() => ex.callBridge('kv.get', ['a', 'b'])).message).toBe('kv.get: expected at most 1 argument(s), received 2')
    expect(ex.callBridge('kv.get', ['a', undefined])).toBeNull()
    expect(bridgeError(() => ex.callBridge('kv.get', [1])).path).toBe('kv.get')
  })

  it('a schema that throws, or is asynchronous, is a BridgeError with the error as cause', () => {
    const r = new BridgeRegistry()
    const boom = new Error('refine blew up at /srv/app/secret.js:1:2')
    const handler = (_c: BridgeContext, x: unknown) => x
    r.register(
      defineBridge({
        name: 's',
        methods: {
          throwing: {
            args: [
              z.string().refine(() => {
                throw boom
              }),
            ],
            handler,
          },
          async: { args: [z.string().refine(async () => true)], handler },
          asyncResult: { args: [], returns: z.string().refine(async () => true), handler: () => 'x' },
        },
      }),
    )
    const ex = execution(r)
    const thrown = bridgeError(() => ex.callBridge('s.throwing', ['q']))
    expect([thrown.message, thrown.path, thrown.cause]).toEqual(['s.throwing: argument 1: refine blew up at <host>', 's.throwing', boom])
    const asynchronous = 'the schema is asynchronous (an async refine or transform); bridge schemas must be synchronous'
    expect(bridgeError(() => ex.callBridge('s.async', ['q'])).message).toBe(`s.async: argument 1: ${asynchronous}`)
    expect(bridgeError(() => ex.callBridge('s.asyncResult', [])).message).toBe(`s.asyncResult: invalid return value: ${asynchronous}`)
  })

  it('names nested positions and union alternatives, and keeps custom messages', () => {
    const r = new BridgeRegistry()
    const handler = () => 1
    r.register(
      defineBridge({
        name: 'q',
        methods: {
          obj: { args: [z.object({ a: z.array(z.number()) })], handler },
          either: { args: [z.union([z.string(), z.number()])], handler },
          custom: { args: [z.string({ error: 'a key is required' })], handler },
        },
      }),
    )
    const ex = execution(r)
    expect(bridgeError(() => ex.callBridge('q.obj', [{ a: [1, 'x'] }])).message).toBe(
      'q.obj: argument 1 at .a[1]: expected number, received string',
    )
    expect(bridgeError(() => ex.callBridge('q.either', [true])).message).toBe(
      'q.either: argument 1: expected string or number, received boolean',
    )
    expect(bridgeError(() => ex.callBridge('q.custom', [1])).message).toBe('q.custom: argument 1: a key is required')
  })

  it('passes parsed arguments and a full ctx to the handler', () => {
    const r = new BridgeRegistry()
    let seen: BridgeContext | undefined
    let seenArgs: unknown[] = []
    r.register(
      defineBridge({
        name: 'probe',
        methods: {
          go: {
            args: [z.string().transform((s) => s.toUpperCase()), z.number().default(7)],
            handler: (ctx, a, b) => {
              seen = ctx
              seenArgs = [a, b]
              ctx.log('from handler', 'warn')
              return 'ok'
            },
          },
        },
      }),
    )
    const ex = execution(r)
    expect(ex.callBridge('probe.go', ['abc'])).toBe('ok')
    expect(seenArgs).toEqual(['ABC', 7])
    expect(seen?.tenant).toBe('t1')
    expect(seen?.context).toEqual({ tenant: 't1', user: 'u7' })
    expect(seen?.language).toBe('lua')
    expect(seen?.scriptName).toBe('job.lua')
    expect(seen?.signal).toBe(ex.signal)
    expect(ex.logs.map((l) => [l.level, l.message])).toEqual([['warn', 'from handler']])
  })

  it('reduces a throwing handler to its message only, without host paths', async () => {
    const r = new BridgeRegistry()
    r.register(
      defineBridge({
        name: 'f',
        methods: {
          sync: {
            args: [],
            handler: () => {
              throw new Error("ENOENT: open '/srv/secret/data.json'")
            },
          },
          async: {
            args: [],
            handler: async () => {
              throw new TypeError('nope')
            },
          },
          str: {
            args: [],
            handler: () => {
              throw 'plain string'
            },
          },
          obj: {
            args: [],
            handler: () => {
              throw { weird: true }
            },
          },
        },
      }),
    )
    const ex = execution(r)
    const e = bridgeError(() => ex.callBridge('f.sync', []))
    expect(e.message).toBe("ENOENT: open '<host>'")
    expect(e.stack).not.toContain('/srv/secret')
    expect((e.cause as Error).message).toContain('/srv/secret')
    await expect(ex.callBridge('f.async', [])).rejects.toThrow(new BridgeError('nope', 'f.async'))
    expect(bridgeError(() => ex.callBridge('f.str', [])).message).toBe('plain string')
    expect(bridgeError(() => ex.callBridge('f.obj', [])).message).toBe('f.obj failed')
  })

  it('passes fatal errors from a handler through unchanged', () => {
    const r = new BridgeRegistry()
    const fatal = new LimitExceededError('memory', 2, 1)
    r.register(
      defineBridge({
        name: 'f',
        methods: {
          boom: {
            args: [],
            handler: () => {
              throw fatal
            },
          },
        },
      }),
    )
    expect(() => execution(r).callBridge('f.boom', [])).toThrow(fatal)
  })

  it('validates return values, for sync and async handlers (and thenables)', async () => {
    const r = new BridgeRegistry()
    r.register(
      defineBridge({
        name: 'ret',
        methods: {
          bad: { args: [], returns: z.string(), handler: () => 5 },
          badAsync: { args: [], returns: z.string(), handler: async () => 5 },
          good: { args: [], returns: z.string().transform((s) => s.length), handler: async () => 'abc' },
          // biome-ignore lint/suspicious/noThenProperty: a handler may return a promise from another library
          thenable: { args: [], returns: z.number(), handler: () => ({ then: (ok: (v: number) => void) => ok(3) }) },
        },
      }),
    )
    const ex = execution(r, { bridgeCalls: false })
    expect(bridgeError(() => ex.callBridge('ret.bad', [])).message).toBe('ret.bad: invalid return value: expected string, received number')
    await expect(ex.callBridge('ret.badAsync', [])).rejects.toThrow('ret.badAsync: invalid return value: expected string, received number')
    await expect(ex.callBridge('ret.good', [])).resolves.toBe(3)
    await expect(ex.callBridge('ret.thenable', [])).resolves.toBe(3)
  })

  it('hides methods the policy denies and unknown ones', () => {
    const r = new BridgeRegistry()
    r.register(kvBridge())
    const ex = execution(r, { security: SecurityManager.resolve({ bridges: { allow: ['kv.get'] } }) })
    expect(ex.callBridge('kv.get', ['a'])).toBeNull()
    expect(bridgeError(() => ex.callBridge('kv.set', ['a', 'b'])).message).toBe('kv.set is not available')
    expect(bridgeError(() => ex.callBridge('nope.x', [])).message).toBe('nope.x is not available')
  })

  it('sees registrations made after the execution started (the registry is live)', () => {
    const r = new BridgeRegistry()
    const ex = execution(r)
    expect(() => ex.callBridge('kv.get', ['a'])).toThrow(BridgeError)
    r.register(kvBridge())
    expect(ex.callBridge('kv.get', ['a'])).toBeNull()
  })

  it('counts every call, failed ones too, and trips the bridgeCalls limit', () => {
    const r = new BridgeRegistry()
    const handler = vi.fn(() => null)
    r.register(defineBridge({ name: 'c', methods: { x: { args: [z.string()], handler } } }))
    const ex = execution(r, { bridgeCalls: 3 })
    ex.callBridge('c.x', ['a'])
    expect(() => ex.callBridge('c.x', [1])).toThrow(BridgeError)
    ex.callBridge('c.x', ['a'])
    expect(ex.bridgeCalls).toBe(3)
    let err: unknown
    try {
      ex.callBridge('c.x', ['a'])
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(LimitExceededError)
    expect(err).toMatchObject({ limit: 'bridgeCalls', used: 4, max: 3 })
    expect(ex.fatal).toBe(err)
    expect(ex.signal.aborted).toBe(true)
    expect(handler).toHaveBeenCalledTimes(2)
    // once fatal, nothing more runs
    expect(() => ex.callBridge('c.x', ['a'])).toThrow(err as Error)
    expect(handler).toHaveBeenCalledTimes(2)
  })
})
