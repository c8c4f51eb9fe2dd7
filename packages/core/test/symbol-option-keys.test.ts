// A symbol key in an option object is refused as an unknown string key is: Object.keys and
// zod's strict objects skip symbols, so `limits: { [Symbol()]: 1 }` was silently ignored
// where `limits: { foo: 1 }` is a PolicyError.
import { describe, expect, it } from 'vitest'
import { InvalidArgumentError, PolicyError } from '../src/errors.js'
import { createHost } from '../src/host.js'
import { fakeEngine, hostsOfTest } from './fixtures/fake-engine-host.js'

const key = Symbol('limit')

describe('createHost options with a symbol key', () => {
  it.each([
    ['options', (o: object) => ({ ...o, [key]: 1 }), InvalidArgumentError, "createHost: unknown option 'Symbol(limit)'"],
    ['limits', (o: object) => ({ ...o, limits: { [key]: 1 } }), PolicyError, "limits: unknown limit 'Symbol(limit)'"],
    ['pool', (o: object) => ({ ...o, pool: { [key]: 1 } }), InvalidArgumentError, "pool: unknown field 'Symbol(limit)'"],
    ['cache', (o: object) => ({ ...o, cache: { [key]: 1 } }), InvalidArgumentError, "cache: unknown field 'Symbol(limit)'"],
    ['policy', (o: object) => ({ ...o, policy: { [key]: 1 } }), PolicyError, "policy: unknown field 'Symbol(limit)'"],
    [
      'policy.limits',
      (o: object) => ({ ...o, policy: { limits: { [key]: 1 } } }),
      PolicyError,
      "policy.limits: unknown limit 'Symbol(limit)'",
    ],
    ['worker', (o: object) => ({ ...o, worker: { [key]: 1 } }), InvalidArgumentError, "worker: unknown field 'Symbol(limit)'"],
    [
      'worker.resourceLimits',
      (o: object) => ({ ...o, worker: { resourceLimits: { [key]: 1 } } }),
      InvalidArgumentError,
      "worker.resourceLimits: unknown field 'Symbol(limit)'",
    ],
  ])('refuses one in %s', async (_where, change, cls, message) => {
    const engine = fakeEngine('alpha')
    const e = await createHost(change({ engines: [engine.plugin] }) as never).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(cls)
    expect((e as Error).message).toContain(message)
  })
})

describe('requests with a symbol key', () => {
  const { make } = hostsOfTest()

  it('refuses one in a request and in its limits, in execute, compile and script.run', async () => {
    const { host } = await make()
    const top = await host.execute({ language: 'alpha', source: 'ok', [key]: 1 } as never).catch((x: unknown) => x)
    expect(top).toBeInstanceOf(InvalidArgumentError)
    expect((top as Error).message).toBe("execute: request: unknown field 'Symbol(limit)'")
    const limits = await host.execute({ language: 'alpha', source: 'ok', limits: { [key]: 1 } as never }).catch((x: unknown) => x)
    expect(limits).toBeInstanceOf(PolicyError)
    expect((limits as Error).message).toContain("limits: unknown limit 'Symbol(limit)'")
    await expect(host.compile({ language: 'alpha', source: 'ok', [key]: 1 } as never)).rejects.toThrow(
      "compile: request: unknown field 'Symbol(limit)'",
    )
    const script = await host.compile({ language: 'alpha', source: 'ok' })
    await expect(script.run({ limits: { [key]: 1 } as never })).rejects.toThrow(PolicyError)
    // a symbol that is not enumerable is not a field, as a non-enumerable string key is not
    const hidden = Object.defineProperty({ language: 'alpha', source: 'ok' }, key, { value: 1, enumerable: false })
    expect((await host.execute(hidden)).value).toBe('ok')
  })
})
