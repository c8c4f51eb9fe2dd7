import { createHost, type Host, LimitExceededError } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jsEngine } from '../src/index.js'
import { type Outcome, runInline } from './child/run-inline.js'
import { itAnswersAsRaw, rawDifferential } from './raw-differential.js'

// Builtins that copy their whole input in one call, one tick each (guest-copying-builtins.ts,
// and the typed-array constructors of guest-heavy-builtins.ts). Inline, under a 1 s limit, before:
// `s = s.substring(1)` over 30 MB in a loop held the host 3.1–5 s, `[].push.apply([], { length:
// 6e4 })` in a loop 1.4–2.8 s (the cases below: see the figures where they are run). They now
// charge the copy and stop after ~1.0–1.5 s; the bound allows for a loaded 2-core machine. Inline loops run in a child process (built packages:
// `pnpm run build` first) that is killed if it holds on.

const LIMIT = 1_000

// A loop of copies overran the deadline by the calls left in QuickJS's tick budget when it
// passed (1,000 ticks: ~800 of the calls below). The strings' loop runs in a function (a global
// statement's value would keep a third 30 MB string, whose heap growth the deadline refuses) with
// the heap grown first; the array-like's missing elements are looked up through 16 prototypes
// (~1e6 lookups a call); the apply loops wait until 200 ms before the deadline, then make the
// next call run the host's check (a charged repeat), so a whole budget of calls follows
const COPY_LIMIT = 3_000
const COPY_BOUND = COPY_LIMIT + 2_500
const NEAR = "const t = Date.now(); while (Date.now() - t < 2800) {} 'y'.repeat(2e6);"
const x4 = (call: string) => `for (;;) { ${call}; ${call}; ${call}; ${call} }`
const copies = (m: string) => `let s = 'x'.repeat(3e7); s = s.${m}(1); (() => { ${x4(`s = s.${m}(1)`)} })()`
const DEEP = 'let p = {}; for (let i = 0; i < 16; i++) p = Object.create(p); const o = Object.create(p); o.length = 6e4;'
const COPIES: Record<string, string>[] = [
  { substring: copies('substring'), slice: copies('slice'), substr: copies('substr') },
  {
    'push.apply of an array-like of 6e4': `${DEEP} ${NEAR} ${x4('[].push.apply([], o)')}`,
    'Math.max.apply of an array-like of 6e4': `${DEEP} ${NEAR} ${x4('Math.max.apply(null, o)')}`,
  },
]

describe('loops of whole-copy builtins stop at the time limit (inline)', () => {
  for (const loops of COPIES) {
    it(`${Object.keys(loops).join(', ')}: timeout within ${COPY_BOUND} ms of a ${COPY_LIMIT} ms limit`, async () => {
      const sources = [...Object.values(loops), "'abcdef'.slice(1, 3) + [1, 2].concat([3]).length"]
      const outcomes = await runInline(sources, { timeoutMs: COPY_LIMIT, memoryBytes: 256 * 2 ** 20 })
      for (const [k, name] of Object.keys(loops).entries()) {
        const o = outcomes[k] as Outcome
        expect(o.error, name).toMatchObject({ name: 'LimitExceededError', limit: 'timeout' })
        expect(o.ms, name).toBeLessThan(COPY_BOUND)
      }
      expect(outcomes.at(-1)?.value).toBe('bc3')
    }, 60_000)
  }
})

// The wrappers answer as the builtins: results, errors, and the reads a script can see (getters,
// Proxy traps, conversions), compared with a plain context of the same QuickJS build
// (a 1 s limit: a typed array of 1e7 or 6e6 elements from an array-like cannot be made natively in
// the time left at 200 ns an element, so it takes the guest loop)
const d = rawDifferential({ limits: { timeoutMs: LIMIT, memoryBytes: 128 * 2 ** 20 } })
const LOG =
  'const log = []; const at = (o, k) => Object.defineProperty(o, k, { get() { log.push(String(k)); return k }, enumerable: true });'
const TRAPS =
  "const log = []; const trap = (t) => new Proxy(t, { get(o, k, r) { log.push('get ' + String(k)); return Reflect.get(o, k, r) }, ownKeys(o) { log.push('keys'); return Reflect.ownKeys(o) }, getOwnPropertyDescriptor(o, k) { log.push('desc ' + String(k)); return Reflect.getOwnPropertyDescriptor(o, k) } });"
itAnswersAsRaw(d, {
  'substring, slice and substr with odd arguments': `const s = 'abcdefgh'; JSON.stringify([s.substring(), s.substring(5, 2), s.substring(-3, NaN), s.slice(-3), s.slice(2, -2), s.slice(undefined, 4), s.substr(-3, 2), s.substr(2), s.substr(1, -1), 'x'.repeat(5000).slice(10).length, String.prototype.slice.call(12345, 1, 3)])`,
  'substring of null throws': 'String.prototype.substring.call(null, 1)',
  'slice converts its arguments in order': `const log = []; const n = (v) => ({ valueOf() { log.push(v); return v } }); 'abcdef'.slice(n(1), n(4)) + log.join()`,
  'apply with an array, an array-like, a typed array, arguments, a string object': `function f() { 'use strict'; return [this === undefined ? 'u' : typeof this, arguments.length, ...arguments].join() } (function () { return JSON.stringify([f.apply(undefined, [1, 2, 3]), f.apply(7, { length: 3, 0: 'a', 2: 'c' }), f.apply(null, new Uint8Array([4, 5])), f.apply(1, arguments), f.apply(1, new String('xy')), f.apply(1), f.apply(1, null), Math.max.apply(null, Array.from({ length: 5000 }, (_, i) => i))]) })(8, 9)`,
  'apply reads an array-like as the builtin does': `${LOG} const o = { length: 3 }; at(o, '0'); at(o, '2'); Object.defineProperty(o, 'length', { get() { log.push('length'); return 3 } }); Math.max.apply(null, o); log.join()`,
  'apply through a Proxy runs each trap once': `${TRAPS} function f() { return arguments.length } f.apply(null, trap([1, 2, 3])) + ':' + f.apply(null, trap({ length: 2 })) + ':' + log.join()`,
  'apply with a primitive list throws': `Math.max.apply(null, 'abc')`,
  'apply with a list over QuickJS’s argument cap throws': 'Math.max.apply(null, { length: 70000 })',
  'apply of a non-function throws': 'Function.prototype.apply.call({}, null, [])',
  'a typed array from a long array-like: index getters, conversions and errors in order': `${LOG} const o = { length: 1e7 }; at(o, '0'); o[1] = { valueOf() { log.push('v1'); return 7 } }; Object.defineProperty(o, '2', { get() { log.push('2'); throw new RangeError('stop') } }); try { new Int8Array(o) } catch (e) { log.push(e.name + ' ' + e.message) } log.join()`,
  'a BigInt64Array from a long array-like converts each element as it is set': `const o = { length: 6e6, 0: 1n, 1: '2', 2: 3 }; try { new BigInt64Array(o) } catch (e) { e.name + ': ' + e.message }`,
  'a typed array from array-likes with an iterator, an accessor length, a huge length': `${LOG} const a = new Uint8Array({ length: 3, [Symbol.iterator]: function* () { yield 5; yield 6 } }); const b = { 0: 1, 1: 2 }; Object.defineProperty(b, 'length', { get() { log.push('length'); return 2 } }); let c; try { new Uint8Array({ length: 2 ** 40 }) } catch (e) { c = e.name + ': ' + e.message } JSON.stringify([[...a], [...new Uint8Array(b)], [...new Uint16Array({ length: 3.7, 1: 9 })], log, c, new Int8Array(Object.create({ length: 2, 0: 4 })).length])`,
})

// A typed array made from a long array-like near the deadline (before: one native call of
// 73–297 ms that no check stops, in a worker past the 50 ms kill margin, so the watchdog
// terminated the worker and every execution on it): now a guest loop the deadline stops,
// with no worker terminated. Workers load dist/: build first.
describe('a typed array from a long array-like near the deadline (worker)', () => {
  let host: Host
  beforeAll(async () => {
    host = await createHost({ engines: [jsEngine()], isolation: 'worker', workers: 1, limits: { timeoutMs: LIMIT } })
  })
  afterAll(() => host.close())

  it('ends with the timeout, and the worker is not terminated', async () => {
    await host.execute({ language: 'js', source: '1' })
    const source = 'const t = Date.now(); while (Date.now() - t < 850) {} new Uint8Array({ length: 3e6 }); 1'
    for (let i = 0; i < 3; i++) {
      const e = await host.execute({ language: 'js', source }).catch((x: unknown) => x)
      expect(e).toBeInstanceOf(LimitExceededError)
      expect((e as LimitExceededError).limit).toBe('timeout')
    }
    expect((await host.execute({ language: 'js', source: 'new Uint8Array({ length: 3e5, 5: 9 })[5]' })).value).toBe(9)
    const stats = host.stats().engines.js as unknown as { workerKills: number }
    expect(stats.workerKills).toBe(0)
  }, 60_000)
})
