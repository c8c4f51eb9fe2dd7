import { describe, expect, it } from 'vitest'
import { type Outcome, runInline } from './child/run-inline.js'
import { itAnswersAsRaw, rawDifferential } from './raw-differential.js'

// Iterator.prototype.drop(n) skips n values at its helper's first next(), in one native loop
// with no interrupt check, whenever that next() comes. Refusing an n over the array cap (and
// charging n when the helper was made) left the skip itself unbounded: inline, under a 500 ms
// limit, a loop of `Array(4e6).values().drop(4e6).next()` held the host 95-230 s, and 200 such
// helpers made first, then each stepped once, 170-186 s. A long skip now goes through map's
// callback (guest-array-bounds.ts), a call per value, so the interrupt handler sees it. The
// loops run in a child process (built packages: `pnpm run build` first) that is killed if it
// holds on.

const LIMIT = 1_000
const BOUND = 3_000

const LOOPS: Record<string, string> = {
  'a loop of drop(4e6).next() over 4e6 holes': 'const h = Array(4e6); for (;;) h.values().drop(4e6).next()',
  '200 drop(4e6) helpers made first, then stepped':
    'const h = Array(4e6); const its = []; for (let i = 0; i < 200; i++) its.push(h.values().drop(4e6)); for (const it of its) it.next()',
  'drop(4e6) of a Set iterator, made first':
    'const s = new Set(Array.from({ length: 4e6 }, (_, i) => i)); const its = []; for (let i = 0; i < 200; i++) its.push(s.values().drop(4e6)); for (const it of its) it.next()',
}

describe('a long drop stops at the time limit (inline)', () => {
  it(`${Object.keys(LOOPS).join(', ')}: timeout within ${BOUND} ms of a ${LIMIT} ms limit`, async () => {
    const outcomes = await runInline([...Object.values(LOOPS), '[1, 2, 3].values().drop(1).toArray().join()'], {
      timeoutMs: LIMIT,
      memoryBytes: 256 * 2 ** 20,
    })
    for (const [k, name] of Object.keys(LOOPS).entries()) {
      const o = outcomes[k] as Outcome
      expect(o.error, name).toMatchObject({ name: 'LimitExceededError', limit: 'timeout' })
      expect(o.ms, name).toBeLessThan(BOUND)
    }
    expect(outcomes.at(-1)?.value).toBe('2,3')
  }, 60_000)
})

// What a script can see of drop, short and long (the long path from 1,024 on), answers as a
// plain context of the same QuickJS build: values, the reads of its iterator and their order,
// return() forwarding, errors
const d = rawDifferential({ limits: { timeoutMs: 5_000 } })
const LOGGED = `const log = []; const it = (n) => { let i = 0; return Object.defineProperty({ [Symbol.iterator]() { return this }, return() { log.push('return'); return { done: true } } }, 'next', { get() { log.push('get next'); return () => { i++; return i > n ? { done: true } : { value: i, done: false } } } }) };`
itAnswersAsRaw(d, {
  'values after a long and a short drop': `const a = Array.from({ length: 5000 }, (_, i) => i); [a.values().drop(4998).toArray(), a.values().drop(3).next().value, a.values().drop(6000).next().done, a.values().drop(0).take(2).toArray()].join('|')`,
  'the iterator read once, in order with the limit, long': `${LOGGED} const l = { valueOf() { log.push('limit'); return 2000 } }; const h = Iterator.prototype.drop.call(it(2003), l); log.push('made'); const v = h.next().value; h.return(); log.push(v); log.join()`,
  'the iterator read once, in order with the limit, short': `${LOGGED} const l = { valueOf() { log.push('limit'); return 2 } }; const h = Iterator.prototype.drop.call(it(5), l); log.push('made'); const v = h.next().value; h.return(); log.push(v); log.join()`,
  'return() before the first next, long': `${LOGGED} const h = it(3000).drop(2000); h.return(); log.join()`,
  'an error from next while skipping, long': `let i = 0; const h = Iterator.prototype.drop.call({ next() { if (++i === 1500) throw new RangeError('at ' + i); return { value: i, done: false } } }, 2000); try { h.next() } catch (e) { e.name + ': ' + e.message }`,
  'limits that are not numbers or out of range': `const r = []; for (const l of [NaN, -1, 'x', 1.5, '2000']) { try { r.push([1, 2, 3].values().drop(l).toArray().join()) } catch (e) { r.push(e.name) } } r.join('|')`,
  'drop of a non-object throws': `try { Iterator.prototype.drop.call(1, 2000) } catch (e) { e.name + ': ' + e.message }`,
  'drop with no next method: the error at the first step': `const h = Iterator.prototype.drop.call({}, 2000); try { h.next() } catch (e) { e.name + ': ' + e.message }`,
})
