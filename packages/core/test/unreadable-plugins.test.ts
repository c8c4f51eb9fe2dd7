// An engine plugin that cannot be read (a throwing getter, a Proxy whose traps throw, a promise
// that rejects) or whose create() throws ends createHost with an InvalidArgumentError naming
// it, as unreadable options do, never with the raw error of the caller's code. A plugin is read
// once: a getter answering differently later cannot change what the host checked.
import { describe, expect, it } from 'vitest'
import { EngineNotFoundError, InvalidArgumentError } from '../src/errors.js'
import { createHost } from '../src/host.js'
import { fakeEngine } from '../src/testing/index.js'

const boom = () => {
  throw new Error('boom')
}
const withGetter = (key: string, get: () => unknown) => Object.defineProperty({ ...fakeEngine() }, key, { get, enumerable: true })
const failure = (engines: unknown[]) =>
  createHost({ engines } as never).then(
    (h) => h.close().then(() => 'created'),
    (e: Error) => e,
  )

describe('engine plugins that cannot be read', () => {
  it.each([
    ['an id getter that throws', () => withGetter('id', boom)],
    ['a capabilities getter that throws', () => withGetter('capabilities', boom)],
    ['a Proxy whose traps throw', () => new Proxy(fakeEngine(), { get: boom })],
    ['a promise that rejects', () => Promise.reject(new Error('boom'))],
  ])('%s: InvalidArgumentError naming engines[1]', async (_what, make) => {
    const e = await failure([fakeEngine({ id: 'first' }), make()])
    expect(e).toBeInstanceOf(InvalidArgumentError)
    expect((e as Error).message).toBe('createHost: engines[1] could not be read (boom)')
  })

  it('a create() that throws: InvalidArgumentError naming the plugin', async () => {
    const e = await failure([{ ...fakeEngine(), create: boom }])
    expect(e).toBeInstanceOf(InvalidArgumentError)
    expect((e as Error).message).toBe("createHost: engines[0] ('fake') could not be created (boom)")
  })

  it('a Polyhost error passes as it is', async () => {
    const e = await failure([Promise.reject(new EngineNotFoundError('no such engine'))])
    expect(e).toBeInstanceOf(EngineNotFoundError)
  })

  it('a plugin is read once', async () => {
    let reads = 0
    const h = await createHost({ engines: [withGetter('id', () => (++reads === 1 ? 'fake' : 'other'))] } as never)
    expect(Object.keys(h.stats().engines)).toEqual(['fake'])
    expect(reads).toBe(1)
    await h.close()
  })
})
