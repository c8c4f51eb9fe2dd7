// A careless caller's option is refused with an error naming it, instead of being ignored: a
// misspelled createHost option (`limit` for `limits`) would leave the host without it, a bridge
// method's `retuns` would leave its results unchecked, and a global named like a bridge or
// `context` would replace it (QuickJS refused such a global; in Lua the bridge was silently gone).
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineBridge } from '../src/bridges.js'
import { BridgeError, InvalidArgumentError, PolicyError } from '../src/errors.js'
import { createHost } from '../src/host.js'
import { fakeEngine, hostsOfTest } from './fixtures/fake-engine-host.js'

describe('createHost options', () => {
  const { track } = hostsOfTest()

  it.each([
    ['limit', { limit: { timeoutMs: 10 } }],
    ['polcy', { polcy: 'strict' }],
    ['isolaton', { isolaton: 'worker' }],
    ['Pool', { Pool: { max: 1 } }],
    ['__proto__ as an own key', JSON.parse('{"__proto__": {"limits": {"timeoutMs": 10}}}') as object],
  ])('refuses an unknown option: %s', async (name, extra) => {
    const engine = fakeEngine('alpha')
    const e = await createHost({ engines: [engine.plugin], ...extra } as never).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(InvalidArgumentError)
    expect((e as Error).message).toContain(`unknown option '${name.split(' ')[0]}'`)
  })

  // an inline host took what worker mode refuses, and called a logger it never checked
  it.each([
    ['worker: {foo: 1}', { worker: { foo: 1 } }, InvalidArgumentError, "createHost: worker: unknown field 'foo'"],
    ['killMarginMs: -5', { worker: { killMarginMs: -5 } }, InvalidArgumentError, 'worker.killMarginMs must be a non-negative integer'],
    ['killMarginMs: NaN', { worker: { killMarginMs: Number.NaN } }, InvalidArgumentError, 'worker.killMarginMs'],
    ["killMarginMs: 'x'", { worker: { killMarginMs: 'x' } }, InvalidArgumentError, 'worker.killMarginMs'],
    ['killMarginMs: 2**40', { worker: { killMarginMs: 2 ** 40 } }, PolicyError, 'worker.killMarginMs: at most 2147483647 ms'],
    ["resourceLimits: 'x'", { worker: { resourceLimits: 'x' } }, InvalidArgumentError, 'worker.resourceLimits'],
    // a 0.1 MB worker stack ended the whole host process (exit 6) while the worker started
    ['stackSizeMb: 0.1', { worker: { resourceLimits: { stackSizeMb: 0.1 } } }, InvalidArgumentError, 'stackSizeMb must be at least 1'],
    [
      'resourceLimits: { stackSize: 4 }',
      { worker: { resourceLimits: { stackSize: 4 } } },
      InvalidArgumentError,
      "unknown field 'stackSize'",
    ],
    [
      'maxOldGenerationSizeMb: Infinity',
      { worker: { resourceLimits: { maxOldGenerationSizeMb: Infinity } } },
      InvalidArgumentError,
      'maxOldGenerationSizeMb must be a positive number',
    ],
    ['worker: 5', { worker: 5 }, InvalidArgumentError, 'createHost: worker must be an object'],
    ['logger: 5', { logger: 5 }, InvalidArgumentError, 'logger must be an object with the methods debug, warn, error'],
    ["logger: 'x'", { logger: 'x' }, InvalidArgumentError, 'logger must be an object'],
    ['logger: {}', { logger: {} }, InvalidArgumentError, '(missing: debug, warn, error)'],
    ['logger without error', { logger: { debug() {}, warn() {} } }, InvalidArgumentError, '(missing: error)'],
    // converters recurse per level: at 5,000 a Lua result crashed the engine with a host stack overflow
    ['maxDepth: 5000', { maxDepth: 5000 }, InvalidArgumentError, 'maxDepth must be an integer from 1 to 1000'],
    ['maxDepth: 0', { maxDepth: 0 }, InvalidArgumentError, 'maxDepth must be an integer from 1 to 1000'],
    ['maxDepth: 1.5', { maxDepth: 1.5 }, InvalidArgumentError, 'maxDepth must be an integer from 1 to 1000'],
  ])('refuses %s inline as in worker mode', async (_what, extra, cls, message) => {
    const engine = fakeEngine('alpha')
    const e = await createHost({ engines: [engine.plugin], ...extra } as never).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(cls)
    expect((e as Error).message).toContain(message)
  })

  it('names every unknown option and the known ones', async () => {
    const engine = fakeEngine('alpha')
    const e = await createHost({ engines: [engine.plugin], limit: {}, timeoutMs: 5 } as never).catch((x: unknown) => x)
    expect((e as Error).message).toMatch(/unknown option 'limit', 'timeoutMs' \(known: engines, policy, limits,/)
  })

  it('accepts every documented option', async () => {
    const engine = fakeEngine('alpha')
    const host = track(
      await createHost({
        engines: [engine.plugin],
        policy: 'standard',
        limits: { timeoutMs: 1_000 },
        pool: { max: 2 },
        cache: { maxEntries: 10 },
        maxDepth: 32,
        logger: { debug() {}, warn() {}, error() {} },
        isolation: 'inline',
        workers: 1,
        worker: {},
        globals: {},
        context: undefined,
      }),
    )
    expect(host.stats().running).toBe(0)
  })
})

describe('bridge definitions', () => {
  const { make } = hostsOfTest()
  const method = { args: [z.string()], handler: (): string => 'v' }
  const cases: [string, object, string][] = [
    ['bridge field', { name: 'kv', descripton: 'store', methods: { get: method } }, "invalid bridge 'kv': unknown field 'descripton'"],
    [
      'method field',
      { name: 'kv', methods: { get: { ...method, retuns: z.number() } } },
      "invalid bridge 'kv': method 'get': unknown field 'retuns'",
    ],
    [
      'method field beside its handler',
      { name: 'kv', methods: { get: { args: [], handle: (): number => 1, handler: (): number => 1 } } },
      "unknown field 'handle'",
    ],
  ]

  it.each(cases)('refuses a misspelled %s, in defineBridge and in register', async (_what, def, message) => {
    expect(() => defineBridge(def as never)).toThrow(BridgeError)
    expect(() => defineBridge(def as never)).toThrow(message)
    const { host } = await make()
    expect(() => host.bridges.register(def as never)).toThrow(message)
    expect(host.bridges.get('kv')).toBeUndefined()
  })

  it('accepts every documented field', async () => {
    const def = defineBridge({
      name: 'kv',
      description: 'store',
      methods: { get: { args: [z.string()], returns: z.string(), description: 'read', handler: () => 'v' } },
    })
    const { host } = await make()
    host.bridges.register(def)
    expect(host.bridges.resolve('kv.get')?.description).toBe('read')
  })
})

describe('module definitions', () => {
  const { make } = hostsOfTest()

  it.each([
    ['an unknown language', { language: 'cobol' }, "module 'util': language: unknown language 'cobol' (known: alpha, beta)"],
    ['a wrongly cased language', { language: 'ALPHA' }, "module 'util': language: unknown language 'ALPHA' (known: alpha, beta)"],
    ['a misspelled field', { sorce: 'x' }, "module 'util': unknown field 'sorce' (known: name, language, source)"],
  ])('host.modules.register refuses %s', async (_what, change, message) => {
    const { host } = await make()
    const def = { name: 'util', language: 'alpha', source: 'ok', ...change }
    expect(() => host.modules.register(def as never)).toThrow(InvalidArgumentError)
    expect(() => host.modules.register(def as never)).toThrow(message)
    expect(host.modules.list()).toEqual([])
    host.modules.register({ name: 'util', language: 'alpha', source: 'ok' })
    expect(host.modules.list()).toHaveLength(1)
  })
})

const kv = defineBridge({ name: 'kv', methods: { get: { args: [z.string()], handler: () => 'v' } } })

describe('globals named like the host’s own script globals', () => {
  const { make } = hostsOfTest()

  it('refuses a global named like a visible bridge, in execute and script.run', async () => {
    const { host } = await make()
    host.bridges.register(kv)
    const e = await host.execute({ language: 'alpha', source: 'ok', globals: { kv: 1 } }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(InvalidArgumentError)
    expect((e as Error).message).toBe("execute: globals: 'kv' would replace the bridge 'kv'")
    const script = await host.compile({ language: 'alpha', source: 'ok' })
    await expect(script.run({ globals: { kv: 1 } })).rejects.toThrow("'kv' would replace the bridge 'kv'")
  })

  it('refuses a global named context', async () => {
    const { host } = await make()
    const e = await host.execute({ language: 'alpha', source: 'ok', globals: { context: { tenant: 'x' } } }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(InvalidArgumentError)
    expect((e as Error).message).toBe("execute: globals: 'context' would replace the execution's context")
  })

  it('refuses a global named __proto__ (an own key, as JSON.parse makes it), in execute and script.run', async () => {
    // QuickJS took it as the global object's prototype (the value was gone), Lua as a global
    const { host } = await make()
    const globals = JSON.parse('{"__proto__": {"x": 1}}') as Record<string, unknown>
    const e = await host.execute({ language: 'alpha', source: 'ok', globals }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(InvalidArgumentError)
    expect((e as Error).message).toBe(
      "execute: globals: '__proto__' cannot be a global name (JavaScript takes it as the global object's prototype)",
    )
    const script = await host.compile({ language: 'alpha', source: 'ok' })
    await expect(script.run({ globals })).rejects.toThrow("'__proto__' cannot be a global name")
  })

  it('takes a bridge name the policy hides from scripts, and every other name', async () => {
    const { host } = await make({}, { policy: { preset: 'standard', bridges: { allow: ['other.*'] } } })
    host.bridges.register(kv)
    const r = await host.execute({ language: 'alpha', source: 'ok', globals: { kv: 1, kvx: 2, Context: 3 } })
    expect(r.value).toBe('ok')
  })
})
