// A host custom type whose fromScript throws (on data the script handed back) is a
// ConversionError, as a throwing toScript is: the host's code failed on a value, the engine did
// not crash (an EngineCrashedError, which a queue retries, would run the same failure again).
import { describe, expect, it } from 'vitest'
import { ConversionError } from '../src/errors.js'
import { createHost } from '../src/index.js'
import { fakeEngine } from '../src/testing/index.js'

class Money {
  constructor(readonly cents: number) {}
}

describe('custom types that throw', () => {
  it('fromScript: ConversionError naming the type', async () => {
    const host = await createHost({ engines: [fakeEngine()] })
    host.converters.register({
      name: 'Money',
      test: (v) => v instanceof Money,
      toScript: (m: Money) => ({ cents: m.cents }),
      fromScript: () => {
        throw new Error('no money')
      },
    })
    const e = await host
      .execute({ language: 'fake', source: '["return", ["get", "x"]]', globals: { x: new Money(5) } })
      .catch((x: unknown) => x)
    await host.close()
    expect(e).toBeInstanceOf(ConversionError)
    expect((e as Error).message).toBe("$: custom type 'Money': fromScript failed: no money")
  })
})
