import { createHost, type Host, LimitExceededError } from '@polyhost/core'
import { watchEventLoop } from '@polyhost/core/testing'
import { getQuickJS } from 'quickjs-emscripten'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jsEngine } from '../src/index.js'

// Object.fromEntries reads and defines every entry in C with no tick per entry, so a loop of
// it ran a whole tick budget of calls between two deadline checks: inline, under a 500 ms
// limit, 5e4 entries over 100 keys held the host 0.7–9.9 s (from run to run), a Map's
// entries() iterator of 5e4 22 s (of 2e4: 6.7 s). An array, Map or Set is now charged its size; another iterable is walked in the guest
// (guest-object-walks.ts). Its siblings measured the same way stopped at the limit (new Map,
// new Set, Object.groupBy, Map.groupBy, Promise.all ...) or are charged already.

let host: Host
beforeAll(async () => {
  host = await createHost({ engines: [jsEngine()], policy: 'strict', limits: { timeoutMs: 500 } })
})
afterAll(() => host.close())

const LOOPS: Record<string, string> = {
  'an array of 5e4 entries over 100 keys':
    "const a = Array.from({ length: 5e4 }, (_, i) => ['k' + (i % 100), i]); for (;;) Object.fromEntries(a)",
  "a Map's entries() of 2e4":
    "const m = new Map(Array.from({ length: 2e4 }, (_, i) => ['k' + i, i])); for (;;) Object.fromEntries(m.entries())",
  "an array's values() of 5e4 entries over 100 keys":
    "const a = Array.from({ length: 5e4 }, (_, i) => ['k' + (i % 100), i]); for (;;) Object.fromEntries(a.values())",
}

describe('a loop of Object.fromEntries stops at the time limit (inline)', () => {
  for (const [what, source] of Object.entries(LOOPS)) {
    it(what, async () => {
      const { error, stallMs } = await watchEventLoop(host.execute({ language: 'js', source }))
      expect(error).toBeInstanceOf(LimitExceededError)
      // strict's 1e7 instructions (each entry charged) can come before the 500 ms on a quiet
      // machine: either limit stops the loop; the bound on the stall is the point
      expect(['timeout', 'instructions']).toContain((error as LimitExceededError).limit)
      expect(stallMs).toBeLessThan(3_000)
    }, 60_000)
  }
})

// the answers of QuickJS's own builtin, unwrapped, in a plain context
const CASES = [
  "Object.fromEntries([['a', 1], ['b', 2], ['a', 3]])",
  'Object.fromEntries([1])',
  'Object.fromEntries(null)',
  "Object.fromEntries('ab')",
  'Object.fromEntries({})',
  "Object.fromEntries(new Map([['a', 1]]).entries())",
  "Object.fromEntries(new Set([['s', 1]]).values())",
  "Object.fromEntries((function* () { yield ['a', 1]; yield [Symbol.for('s'), 2]; yield [{ toString() { return 't' } }, 3] })())",
  "Object.fromEntries([['a', 1]].values()).constructor === Object",
  "Object.fromEntries(new Map([['__proto__', 1], ['toString', 2]]).entries())",
  'let c = 0; const it = { [Symbol.iterator]() { return { next() { return { done: false, value: 5 } }, return() { c++; return {} } } } }; try { Object.fromEntries(it) } catch (e) { String(e) + c }',
  "let c = 0; const it = { [Symbol.iterator]() { return { next() { return { done: false, value: { get 0() { throw new RangeError('k') } } } }, return() { c++; return {} } } } }; try { Object.fromEntries(it) } catch (e) { String(e) + c }",
  "const log = []; Object.fromEntries([0].map(() => ({ get 0() { log.push('k'); return { toString() { log.push('key'); return 'x' } } }, get 1() { log.push('v'); return 1 } })).values()); log.join()",
  'Object.fromEntries.name + Object.fromEntries.length',
]
const show = (
  source: string,
) => `(() => { const r = (() => { try { return eval(${JSON.stringify(source)}) } catch (e) { return 'threw ' + String(e) } })();
  if (r === null || typeof r !== 'object') return String(r);
  return JSON.stringify(Reflect.ownKeys(r).map((k) => [String(k), JSON.stringify(Object.getOwnPropertyDescriptor(r, k))])) + String(Object.getPrototypeOf(r) === Object.prototype) })()`

describe('Object.fromEntries answers as the builtin', () => {
  it('for arrays, Maps, Sets, iterators, bad entries and odd keys', async () => {
    const ctx = (await getQuickJS()).newContext()
    try {
      const standard = await createHost({ engines: [jsEngine()], policy: 'standard' })
      try {
        for (const source of CASES) {
          const native = ctx.unwrapResult(ctx.evalCode(show(source))).consume((h) => ctx.getString(h))
          const sandboxed = (await standard.execute({ language: 'js', source: show(source) })).value
          expect(sandboxed, source).toBe(native)
        }
      } finally {
        await standard.close()
      }
    } finally {
      ctx.dispose()
    }
  })
})
