import { BridgeError, ConversionError, type CustomType, createHost, defineBridge, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'

// A custom type whose toScript returns a value its own test matches again (the input itself, or
// data holding it) sent the Lua converter back into the same value until V8's stack overflowed:
// `$.g: the host value could not be read: Maximum call stack size exceeded`. The JS engine counts
// a custom value as a level of the walk and says `$.g: cycle detected`; Lua now does the same.

type Wrapped = Map<string, unknown>
const isWrapped = (v: unknown): v is Wrapped => v instanceof Map && v.has('w')

/** toScript gives back its input: the same value, matched by the same type, forever. */
const itself: CustomType<Wrapped, unknown> = { name: 'Itself', test: isWrapped, toScript: (m) => m, fromScript: (x) => x as Wrapped }

/** toScript wraps its input in a table: the cycle is one key down. */
const boxed: CustomType<{ boxed: true }, unknown> = {
  name: 'Boxed',
  test: (v): v is { boxed: true } => typeof v === 'object' && v !== null && (v as { boxed?: unknown }).boxed === true,
  toScript: (b) => ({ inner: b }),
  fromScript: (x) => x as { boxed: true },
}

/** A well-behaved type: its data is a plain number, never matched again. */
const cents: CustomType<{ cents: number }, number> = {
  name: 'Cents',
  test: (v): v is { cents: number } => typeof v === 'object' && v !== null && typeof (v as { cents?: unknown }).cents === 'number',
  toScript: (c) => c.cents,
  fromScript: (n) => ({ cents: n }),
}

let host: Host
beforeAll(async () => {
  host = await createHost({ engines: [luaEngine()], pool: { min: 1, max: 1 } })
  for (const t of [itself, boxed, cents]) host.converters.register(t as CustomType<unknown, unknown>)
  host.bridges.register(
    defineBridge({ name: 'give', methods: { wrapped: { args: [], handler: () => ({ list: [1, new Map([['w', 1]])] }) } } }),
  )
})
afterAll(() => host.close())

/** The error a run ends with, or a failure when it succeeds. */
async function failure(source: string, globals: Record<string, unknown> = {}): Promise<ConversionError> {
  const e = await host.execute({ language: 'lua', source, globals }).then(
    (r) => new Error(`ran: ${JSON.stringify(r.value)}`),
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(ConversionError)
  return e as ConversionError
}

describe('a custom type that gives back a value it matches again', () => {
  it('a global whose toScript returns it is a cycle at its path, as in the JS engine', async () => {
    const e = await failure('return 1', { g: new Map([['w', 1]]) })
    expect(e.message).toBe('$.g: cycle detected')
  })

  it('one key down, and deep in a value', async () => {
    expect((await failure('return 1', { g: { boxed: true } })).message).toBe('$.g.inner: cycle detected')
    expect((await failure('return 1', { g: { a: [0, { boxed: true }] } })).message).toBe('$.g.a[1].inner: cycle detected')
  })

  it("in a bridge's result: the bridge's error names it, as in the JS engine", async () => {
    const e = await host.execute({ language: 'lua', source: 'return give.wrapped()' }).catch((err: unknown) => err)
    expect(e).toBeInstanceOf(BridgeError)
    expect((e as BridgeError).message).toBe('give.wrapped: invalid return value: $.list[1]: cycle detected')
  })
})

describe('custom types that end still cross', () => {
  it('the same custom value twice, side by side, is not a cycle', async () => {
    const c = { cents: 250 }
    const r = await host.execute({ language: 'lua', source: 'return g[1] + g[2] + c', globals: { g: [c, c], c } })
    expect(r.value).toBe(750)
  })
})
