import { PolicyError, SecurityManager } from '@polyhost/security'
import { describe, expect, it } from 'vitest'
import type { EnginePlugin } from './contracts.js'
import { EngineNotFoundError, InvalidArgumentError } from './errors.js'
import { createHost } from './host.js'
import { CAPS, fakeEngine, hostsOfTest } from '../test/fixtures/fake-engine-host.js'

const { make, track } = hostsOfTest()

describe('createHost', () => {
  it('creates each engine once with the environment', async () => {
    const { host, a, b } = await make({}, { pool: { max: 3 }, maxDepth: 10 })
    expect([a.creates, b.creates]).toEqual([1, 1])
    expect(a.env?.pool).toMatchObject({ max: 3, min: 1 })
    expect(a.env?.maxDepth).toBe(10)
    expect(a.env?.security).toBeInstanceOf(SecurityManager)
    expect(a.env?.bridges).toBe(host.bridges)
    expect(a.env?.modules).toBe(host.modules)
    expect(a.env?.converters).toBe(host.converters)
  })

  it('accepts promises of plugins (loadEngine)', async () => {
    const a = fakeEngine('alpha')
    const host = track(await createHost({ engines: [Promise.resolve(a.plugin)] }))
    expect((await host.execute({ language: 'alpha', source: 'x' })).value).toBe('x')
  })

  it.each([
    [undefined, 'createHost: options are required'],
    [{ engines: [] }, 'engines must be a non-empty array'],
    [{ engines: [{ id: 'x' }] }, 'engines[0]: not an engine plugin'],
    [{ engines: [fakeEngine('a').plugin, fakeEngine('a').plugin] }, "two engines have id 'a'"],
    [{ engines: [fakeEngine('a').plugin], pool: { max: -1 } }, 'pool.max'],
    [{ engines: [fakeEngine('a').plugin], cache: { maxEntries: 0 } }, 'cache.maxEntries'],
    [{ engines: [fakeEngine('a').plugin], maxDepth: 0 }, 'maxDepth must be an integer from 1 to 1000'],
    [{ engines: [fakeEngine('a').plugin], isolation: 'process' }, "isolation 'process' is not available"],
  ])('rejects bad options with InvalidArgumentError: %#', async (options, message) => {
    const p = createHost(options as never)
    await expect(p).rejects.toBeInstanceOf(InvalidArgumentError)
    await expect(createHost(options as never)).rejects.toThrow(message)
  })

  it('rejects an unknown preset and bad limits with PolicyError', async () => {
    const engines = [fakeEngine('a').plugin]
    await expect(createHost({ engines, policy: 'paranoid' as never })).rejects.toThrow('preset: unknown preset "paranoid"')
    await expect(createHost({ engines, limits: { timeoutMs: -5 } })).rejects.toBeInstanceOf(PolicyError)
  })

  it('rejects a policy requiring a limit the engine cannot enforce, unless the host turns it off', async () => {
    const weak = fakeEngine('weak', {}, { limits: { ...CAPS.limits, memory: 'none' } })
    const err = await createHost({ engines: [weak.plugin] }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(PolicyError)
    expect((err as PolicyError).field).toBe('limits.memoryBytes')
    expect((err as Error).message).toContain("engine 'weak' cannot enforce")
    expect(weak.record.creates).toBe(0)
    const host = track(await createHost({ engines: [weak.plugin], limits: { memoryBytes: false } }))
    await expect(host.execute({ language: 'weak', source: 'ok' })).resolves.toMatchObject({ value: 'ok' })
    await expect(host.execute({ language: 'weak', source: 'ok', limits: { memoryBytes: 100 } })).rejects.toThrow(PolicyError)
  })

  it('closes the engines already created when a later one fails to start', async () => {
    const a = fakeEngine('a')
    const broken: EnginePlugin = { ...fakeEngine('b').plugin, create: () => Promise.reject(new Error('no wasm')) }
    await expect(createHost({ engines: [a.plugin, broken] })).rejects.toThrow('no wasm')
    expect(a.record.closes).toBe(1)
  })
})

describe('engine selection', () => {
  it('by language, then by extension of the name (case-insensitive)', async () => {
    const { host, a, b } = await make()
    await host.execute({ language: 'beta', source: 's' })
    await host.execute({ name: 'job.alpha', source: 's' })
    await host.execute({ name: 'JOB.BETA', source: 's' })
    expect(a.compiles.map((c) => [c.language, c.name])).toEqual([['alpha', 'job.alpha']])
    expect(b.compiles.map((c) => [c.language, c.name])).toEqual([
      ['beta', 'script.beta'],
      ['beta', 'JOB.BETA'],
    ])
  })

  it('EngineNotFoundError for an unknown language or extension, or neither given', async () => {
    const { host } = await make()
    await expect(host.execute({ language: 'cobol', source: '' })).rejects.toThrow("no engine for language 'cobol' (have: alpha, beta)")
    await expect(host.execute({ name: 'x.cob', source: '' })).rejects.toBeInstanceOf(EngineNotFoundError)
    await expect(host.execute({ source: '' })).rejects.toThrow('language is required when name has no known extension')
  })

  it('rejects malformed requests naming the field', async () => {
    const { host } = await make()
    await expect(host.execute({ language: 'alpha', source: 5 } as never)).rejects.toBeInstanceOf(InvalidArgumentError)
    await expect(host.execute({ language: 'alpha', source: '', extra: 1 } as never)).rejects.toThrow(
      "execute: request: unknown field 'extra'",
    )
    await expect(host.execute({ language: 'alpha', source: '', signal: {} } as never)).rejects.toThrow('signal')
    await expect(host.execute(null as never)).rejects.toBeInstanceOf(InvalidArgumentError)
  })
})
