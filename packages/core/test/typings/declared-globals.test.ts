import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { ConversionError, InvalidArgumentError } from '../../src/errors.js'
import { createHost, type Host } from '../../src/host.js'
import { fakeEngine } from '../../src/testing/index.js'
import { FIXTURE_BRIDGES, FIXTURE_CONTEXT, FIXTURE_GLOBALS, FIXTURE_POLICY } from './fixture.js'

let host: Host | undefined
afterEach(async () => {
  await host?.close()
  host = undefined
})

async function make(): Promise<Host> {
  host = await createHost({ engines: [fakeEngine()], policy: FIXTURE_POLICY, globals: FIXTURE_GLOBALS, context: FIXTURE_CONTEXT })
  return host
}

const READ_QTY = '["return", ["get", "order", "items", 0, "qty"]]'
const order = { id: 'o1', items: [{ sku: 'a', qty: 2 }] }

describe('declared globals', () => {
  it('pass through unchanged when they fit their schema', async () => {
    const h = await make()
    const r = await h.execute({ language: 'fake', source: READ_QTY, globals: { order, other: 'undeclared' }, context: { tenant: 't1' } })
    expect(r.value).toBe(2)
  })

  it('are a ConversionError naming the path when they do not fit, on every execution and script run', async () => {
    const h = await make()
    const bad = {
      id: 'o1',
      items: [
        { sku: 'a', qty: 2 },
        { sku: 'b', qty: 1.5 },
      ],
    }
    const err = await h.execute({ language: 'fake', source: READ_QTY, globals: { order: bad } }).catch((e) => e)
    expect(err).toBeInstanceOf(ConversionError)
    expect(err.path).toBe('$.order.items[1].qty')
    expect(err.message).toMatch(/^\$\.order\.items\[1\]\.qty: .*int/i)
    const script = await h.compile({ language: 'fake', source: READ_QTY })
    await expect(script.run({ globals: { order } })).resolves.toMatchObject({ value: 2 })
    await expect(script.run({ globals: { threshold: 'high' } })).rejects.toMatchObject({ name: 'ConversionError', path: '$.threshold' })
    await expect(h.execute({ language: 'fake', source: READ_QTY, globals: { order: { id: 1 } } })).rejects.toMatchObject({
      path: '$.order.id',
    })
  })

  it('check a passed context against its declared shape', async () => {
    const h = await make()
    await expect(h.execute({ language: 'fake', source: '["return", 1]', context: { user: 'u' } })).rejects.toMatchObject({
      name: 'ConversionError',
      path: '$.context.tenant',
    })
    await expect(
      h.execute({ language: 'fake', source: '["return", ["get", "context", "tenant"]]', context: { tenant: 't' } }),
    ).resolves.toMatchObject({ value: 't' })
  })

  // a schema that threw made execute reject with the thrown value itself: a ZodAsyncError, a
  // plain Error, even a string
  it('are a ConversionError when their schema throws or is asynchronous, and the next execution runs', async () => {
    host = await createHost({
      engines: [fakeEngine()],
      globals: {
        a: z.string().refine(async () => true),
        b: z.string().refine(() => {
          throw new Error('db down at /srv/app/rules.js:10:2')
        }),
      },
      context: z.object({ tenant: z.string() }).superRefine(() => {
        throw 'nope'
      }),
    })
    const run = (req: object) => host!.execute({ language: 'fake', source: '["return", 1]', ...req }).catch((e) => e)
    const a = await run({ globals: { a: 'x' } })
    expect(a).toBeInstanceOf(ConversionError)
    expect(a.message).toBe(
      '$.a: its schema threw: the schema is asynchronous (an async refine or transform); declared schemas must be synchronous',
    )
    const b = await run({ globals: { b: 'x' } })
    expect(b).toBeInstanceOf(ConversionError)
    expect(b.message).toBe('$.b: its schema threw: db down at <host>')
    const c = await run({ context: { tenant: 't' } })
    expect(c).toBeInstanceOf(ConversionError)
    expect(c.message).toBe('$.context: its schema threw: nope')
    expect((await host.execute({ language: 'fake', source: '["return", 2]' })).value).toBe(2)
  })

  it('refuse a declaration that is not a zod schema or not an identifier', async () => {
    await expect(createHost({ engines: [fakeEngine()], globals: { order: {} as z.ZodType } })).rejects.toThrow(InvalidArgumentError)
    await expect(createHost({ engines: [fakeEngine()], globals: { 'a-b': z.string() } })).rejects.toThrow(/not an identifier/)
    await expect(createHost({ engines: [fakeEngine()], globals: { context: z.string() } })).rejects.toThrow(/context option/)
  })
})

describe('host.typings', () => {
  it('returns both flavours from the registered bridges and follows the policy in force', async () => {
    const h = await make()
    for (const b of FIXTURE_BRIDGES) h.bridges.register(b)
    expect(h.typings('js')).toContain('function get(key: string): Promise<string | null>')
    expect(h.typings('javascript')).toBe(h.typings('js'))
    expect(h.typings('lua')).toContain('function kv.get(key) end')
    expect(h.typings('lua')).not.toContain('admin')
    h.setPolicy({ preset: 'standard', bridges: { allow: ['admin.*'] } })
    expect(h.typings('lua')).toContain('function admin.drop() end')
    expect(h.typings('lua')).not.toContain('kv')
    expect(() => h.typings('cobol')).toThrow(/no typings for language 'cobol'/)
  })
})
