import { createHost, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jsEngine } from '../src/index.js'

// A call QuickJS cannot interrupt (here one compile of a large character class) may end well
// past the deadline. A script that then returned was reported as a timeout (the deadline is
// checked after the value), but one that then threw, or returned what cannot cross, was
// reported as that ScriptRuntimeError or ConversionError: the deadline is checked first.

const LONG = `new RegExp('[' + Array.from({ length: 12000 }, (_, i) => String.fromCodePoint(0x1000 + 2 * i)).join('') + ']', 'u')`

let host: Host
beforeAll(async () => {
  host = await createHost({ engines: [jsEngine()], limits: { timeoutMs: 100 } })
})
afterAll(() => host.close())

async function failure(source: string): Promise<{ name?: string; limit?: string; message?: string }> {
  try {
    await host.execute({ language: 'js', source })
  } catch (e) {
    return e as { name: string }
  }
  return {}
}

describe('a failure after an overrun of the deadline is reported as the timeout', () => {
  for (const [what, tail] of [
    ['then throws', `throw new Error('ordinary failure')`],
    ['then throws a value', `throw 42`],
    ['then returns a function', `() => 1`],
    ['then returns a symbol', `Symbol('s')`],
    ['then rejects (async)', `await null; throw new Error('late')`],
  ] as [string, string][]) {
    it(what, async () => {
      const t = performance.now()
      const e = await failure(`${LONG}; ${tail}`)
      // the compile itself overran the 100 ms limit (if this machine is too fast to, the test says nothing)
      if (performance.now() - t > 200) expect(e).toMatchObject({ name: 'LimitExceededError', limit: 'timeout' })
    }, 60_000)
  }

  it('within the deadline the script error is reported', async () => {
    expect(await failure(`throw new Error('ordinary failure')`)).toMatchObject({ name: 'ScriptRuntimeError' })
    expect(await failure(`() => 1`)).toMatchObject({ name: 'ConversionError' })
  })
})
