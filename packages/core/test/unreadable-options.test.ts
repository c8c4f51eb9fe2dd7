// A careless caller's options that cannot be read (a getter that throws, a revoked Proxy)
// end in the typed error of the call, never in a bare TypeError from deep inside the host.
import { describe, expect, it } from 'vitest'
import { InvalidArgumentError, PolicyError } from '../src/errors.js'
import { createHost } from '../src/host.js'
import { defineBridge } from '../src/bridges.js'
import { fakeEngine, hostsOfTest } from './fixtures/fake-engine-host.js'

function revoked(): Record<string, unknown> {
  const p = Proxy.revocable({}, {})
  p.revoke()
  return p.proxy
}

const throwing = (key: string) =>
  Object.defineProperty({}, key, {
    enumerable: true,
    get() {
      throw new Error('unreadable')
    },
  })

describe('options that cannot be read', () => {
  const { make } = hostsOfTest()

  it('createHost with an unreadable options object: InvalidArgumentError', async () => {
    await expect(createHost(revoked() as never)).rejects.toBeInstanceOf(InvalidArgumentError)
  })

  it.each([
    ['pool', () => ({ pool: revoked() })],
    ['a pool field', () => ({ pool: throwing('max') })],
    ['policy', () => ({ policy: revoked() })],
  ])('createHost with unreadable %s: InvalidArgumentError', async (_what, options) => {
    const engine = fakeEngine('alpha')
    await expect(createHost({ engines: [engine.plugin], ...options() } as never)).rejects.toBeInstanceOf(InvalidArgumentError)
  })

  it('createHost with unreadable limits: PolicyError naming the field', async () => {
    const engine = fakeEngine('alpha')
    const e = await createHost({ engines: [engine.plugin], limits: throwing('timeoutMs') as never }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(PolicyError)
    expect((e as PolicyError).field).toBe('limits')
  })

  it.each([
    ['globals', () => ({ globals: revoked() })],
    ['context', () => ({ context: revoked() })],
    ['the request', () => revoked()],
  ])('execute with unreadable %s: InvalidArgumentError, and the host still works', async (what, extra) => {
    const { host } = await make({ ok: () => ({ value: 1 }) as never })
    const request = what === 'the request' ? extra() : { language: 'alpha', source: 'ok', ...extra() }
    await expect(host.execute(request as never)).rejects.toBeInstanceOf(InvalidArgumentError)
  })

  it('execute with unreadable limits: InvalidArgumentError; a getter is read once, so what is checked applies', async () => {
    const { host } = await make({ ok: () => ({ value: 1 }) as never })
    const e = await host.execute({ language: 'alpha', source: 'ok', limits: throwing('timeoutMs') as never }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(InvalidArgumentError)
    let reads = 0
    const shifty = {
      get timeoutMs() {
        return ++reads === 1 ? 100 : 10_000_000
      },
    }
    const r = await host.execute({ language: 'alpha', source: 'ok', limits: shifty }).catch((x: unknown) => x)
    expect(r).not.toBeInstanceOf(Error)
    expect(reads).toBe(1)
  })

  it.each([
    [
      'defineBridge, a throwing getter',
      () => defineBridge(throwing('name') as never),
      'defineBridge: the definition could not be read (unreadable)',
    ],
    ['defineBridge, a Proxy', () => defineBridge(revoked() as never), 'defineBridge: the definition could not be read'],
  ])('%s: InvalidArgumentError with a code', (_what, call, message) => {
    const e = catching(call)
    expect(e).toBeInstanceOf(InvalidArgumentError)
    expect((e as InvalidArgumentError).code).toBe('E_INVALID_ARGUMENT')
    expect((e as Error).message).toContain(message)
  })

  it('bridges.register and modules.register of unreadable definitions: InvalidArgumentError, nothing registered', async () => {
    const { host } = await make({ ok: () => ({ value: 1 }) as never })
    const proxy = new Proxy(
      {},
      {
        get: () => {
          throw new Error('trap')
        },
        ownKeys: () => {
          throw new Error('trap')
        },
      },
    )
    for (const def of [throwing('name'), Object.assign(throwing('methods'), { name: 'kv' }), proxy]) {
      const e = catching(() => host.bridges.register(def as never))
      expect(e).toBeInstanceOf(InvalidArgumentError)
      expect((e as Error).message).toMatch(/^bridges\.register: the definition could not be read \((unreadable|trap)\)$/)
    }
    const module = (key: string) =>
      Object.defineProperty({ name: 'm', language: 'alpha', source: '' }, key, {
        enumerable: true,
        get() {
          throw new Error('unreadable')
        },
      })
    for (const def of [module('name'), module('source'), proxy]) {
      const e = catching(() => host.modules.register(def as never))
      expect(e).toBeInstanceOf(InvalidArgumentError)
      expect((e as Error).message).toMatch(/^modules\.register: the module could not be read \((unreadable|trap)\)$/)
    }
    expect(host.bridges.list()).toEqual([])
    expect(host.modules.list()).toEqual([])
  })

  it('converters.register of an unreadable custom type: InvalidArgumentError, nothing registered; each field read once', async () => {
    const { host } = await make({ ok: () => ({ value: 1 }) as never })
    const before = host.converters.list().length
    const fns = { test: () => false, toScript: (v: unknown) => v, fromScript: (v: unknown) => v }
    for (const def of [revoked(), Object.assign(throwing('test'), { name: 'T' }), Object.assign(throwing('name'), fns)]) {
      const e = catching(() => host.converters.register(def as never))
      expect(e).toBeInstanceOf(InvalidArgumentError)
      expect((e as Error).message).toMatch(/^converters\.register: the custom type could not be read \((unreadable|.*revoked.*)\)$/)
    }
    expect(host.converters.list()).toHaveLength(before)
    // a getter answering a function once and a throwing one later cannot fail a conversion later
    let reads = 0
    const shifty = {
      name: 'Shifty',
      get test() {
        if (++reads > 1) throw new Error('read again')
        return function (this: { tag: string }, v: unknown) {
          return this.tag === 'mine' && v instanceof Set
        }
      },
      tag: 'mine',
      toScript: () => 'a set',
      fromScript: (v: unknown) => v,
    }
    host.converters.register(shifty as never)
    const type = host.converters.find(new Set())
    expect(type?.name).toBe('Shifty')
    expect(type?.toScript(new Set())).toBe('a set')
    expect(reads).toBe(1)
  })

  it('setPolicy with an unreadable policy, or none: a typed error, and the policy in force stays', async () => {
    const { host } = await make({}, { policy: 'strict' })
    for (const [i, policy] of [revoked(), throwing('preset'), undefined, null].entries()) {
      const e = catching(() => host.setPolicy(policy as never))
      expect(e, `policy ${i}`).toBeInstanceOf(InvalidArgumentError)
      expect((e as Error).message).toMatch(/^setPolicy: /)
    }
    expect(host.security.policy.preset).toBe('strict')
    const e = catching(() => host.setPolicy({ preset: 'strict', limits: throwing('timeoutMs') } as never))
    expect(e).toBeInstanceOf(InvalidArgumentError)
    expect(catching(() => host.setPolicy({ preset: 'lax' } as never))).toBeInstanceOf(PolicyError)
    host.setPolicy('minimal')
    expect(host.security.policy.preset).toBe('minimal')
  })
})

function catching(fn: () => unknown): unknown {
  try {
    fn()
  } catch (e) {
    return e
  }
  throw new Error('expected a throw')
}
