import { afterEach, describe, expect, it } from 'vitest'
import { createHost, type Host, InvalidArgumentError } from '../src/index.js'
import { fakeEngine } from '../src/testing/index.js'

// host.compile takes what a compiled script is made of (language, source, name); per-run
// fields (globals, limits, context...) belong to script.run and must not be dropped silently.

const SRC = '["return", 1]'
let host: Host | undefined
afterEach(async () => {
  await host?.close()
  host = undefined
})

const start = async () => {
  host = await createHost({ engines: [fakeEngine()] })
  return host
}

describe('host.compile request', () => {
  it.each([
    ['globals', { globals: { x: 1 } }],
    ['limits', { limits: { instructions: 10 } }],
    ['context', { context: { tenant: 'a' } }],
    ['tenant', { tenant: 'a' }],
  ])('rejects the per-run field %s with a compile: error', async (field, extra) => {
    const h = await start()
    const err = await h.compile({ language: 'fake', source: SRC, ...extra } as never).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(InvalidArgumentError)
    expect((err as Error).message).toBe(`compile: request: unknown field '${field}'`)
  })

  it('names the bad field of a compile request with compile:', async () => {
    const h = await start()
    await expect(h.compile({ language: 'fake', source: 42 } as never)).rejects.toThrow(/^compile: source: /)
    await expect(h.compile({ language: 'fake', source: SRC, name: '' })).rejects.toThrow(/^compile: name: /)
  })

  it('still compiles a request of language, source and name', async () => {
    const h = await start()
    const script = await h.compile({ language: 'fake', source: SRC, name: 'one.fake' })
    expect(script.name).toBe('one.fake')
    expect((await script.run()).value).toBe(1)
  })
})
