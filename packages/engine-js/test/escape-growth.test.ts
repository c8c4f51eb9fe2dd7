import { createHost, type Host, LimitExceededError } from '@polyhost/core'
import { watchEventLoop } from '@polyhost/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jsEngine } from '../src/index.js'

// A result is copied out of the guest as JSON text when it is plain, made by one
// JSON.stringify that checks no deadline. A string holding NUL, control characters or lone
// surrogates escapes to 6 units a character, once for every reference to it: a cheap script
// returned 20,000 references to 1,000 NULs (120 MB of JSON) and held the host 3-12 s under a
// 1 s limit. Such text is counted before it is made; a long string is read in parts.

let host: Host
beforeAll(async () => {
  // the minimal preset's 256 MiB leave room for the whole JSON text: only time can stop it
  host = await createHost({ engines: [jsEngine()], policy: 'minimal', limits: { timeoutMs: 500 } })
})
afterAll(() => host.close())

const run = (source: string) => host.execute({ language: 'js', source })

/** Runs a script inline; its conversion may finish or hit a limit, but never hold the loop long. */
async function stall(source: string): Promise<number> {
  const { error, stallMs } = await watchEventLoop(run(source))
  if (error !== undefined) expect(error).toBeInstanceOf(LimitExceededError)
  return stallMs
}

describe('a result whose strings grow when escaped', () => {
  it('many references to one string of NULs do not hold the event loop', async () => {
    // unbounded, the stringify alone ran 5-18 s here; the limit is 0.5 s
    expect(await stall(`const s = '\\0'.repeat(1000); Array(3e4).fill(s)`)).toBeLessThan(1000)
  }, 60_000)

  it('one long string of NULs is read in parts with deadline checks', async () => {
    // unbounded, 3-5 s; bounded, well under 1 s, but 1.09 s once in a full run on a loaded machine
    expect(await stall(`'\\0'.repeat(2e7)`)).toBeLessThan(1500)
    expect(await stall(`[{ a: '\\0'.repeat(2e7) + '\\ud800' }]`)).toBeLessThan(1500)
  }, 60_000)

  it('results with such strings still convert exactly', async () => {
    const sources = [
      // a few such strings: the JSON path
      `['a\\0b', { k: '\\0'.repeat(3), 'x\\0y': 1, q: '"\\\\\\n\\x1f' }, '\\ud800x', '\\u00e9\\0\\ud83d\\ude00', '']`,
      // past the JSON path's bound: the exact path
      `Array(1500).fill('\\0x'.repeat(500))`,
      // a surrogate pair across the boundary of two parts, NULs after it, a lone half at the end
      `'a'.repeat(65535) + '\\ud83d\\ude00' + '\\0'.repeat(70000) + '\\udc00'`,
    ]
    // exactness, not time: a roomier limit, so a loaded machine cannot trip it
    const roomy = await createHost({ engines: [jsEngine()], policy: 'minimal', limits: { timeoutMs: 10_000 } })
    try {
      for (const source of sources) {
        const want = new Function(`return ${source}`)() as unknown
        const got = (await roomy.execute({ language: 'js', source })).value
        // not toEqual's diff: a mismatch of 130,000 units would print them all
        expect(JSON.stringify(got) === JSON.stringify(want), source).toBe(true)
        expect(typeof got === 'string' || Array.isArray(got)).toBe(true)
      }
    } finally {
      await roomy.close()
    }
  }, 60_000)
})
