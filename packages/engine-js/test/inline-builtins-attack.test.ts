import { describe, expect, it } from 'vitest'
import { expectWalksRefused, LIMITS, type Outcome, runInline } from './child/run-inline.js'

// QuickJS's generic Array methods walk an array-like (or a sparse array) index by index up
// to its `length` without calling the interrupt handler for holes: inline, each script
// below held the host thread for hours under a 100 ms limit (killed after 15 s here).
// They run in a child process (built packages: `pnpm run build` first) that is killed if
// it holds on: a regression fails the test instead of hanging the runner.

const SPARSE = 'const a = []; a.length = 2 ** 32 - 1;'
const HUGE = '{ length: 2 ** 40 }'
const WALKS: Record<string, string> = {
  'forEach over an array-like': `Array.prototype.forEach.call(${HUGE}, () => 0)`,
  'forEach over a sparse array': `${SPARSE} a.forEach(() => 0)`,
  'indexOf over a sparse array': `${SPARSE} a.indexOf(1)`,
  'includes over an array-like': `Array.prototype.includes.call(${HUGE}, 1)`,
  'some over an array-like': `Array.prototype.some.call(${HUGE}, () => false)`,
  'reduce over an array-like': `Array.prototype.reduce.call({ length: 2 ** 40, 0: 1 }, (x) => x)`,
  "join('') over an array-like": `Array.prototype.join.call(${HUGE}, '')`,
  'String() of a sparse array': `${SPARSE} String(a).length`,
  'reverse of an array-like': `Array.prototype.reverse.call(${HUGE})`,
  'copyWithin of an array-like': `Array.prototype.copyWithin.call(${HUGE}, 0, 1)`,
  'sort of an array-like': `Array.prototype.sort.call(${HUGE})`,
  'unshift onto an array-like': `Array.prototype.unshift.call({ length: 2 ** 40 - 10 }, 1)`,
  'shift of an array-like': `Array.prototype.shift.call(${HUGE})`,
  'flat of an array-like': `Array.prototype.flat.call(${HUGE})`,
  'concat of a spreadable array-like': `[].concat({ length: 2 ** 40, [Symbol.isConcatSpreadable]: true }).length`,
  'Iterator drop over a sparse array': `${SPARSE} a.values().drop(2 ** 32 - 2).next().value`,
}

describe('array walks over a huge length are refused before the native loop (inline)', () => {
  it('each stops at once with a RangeError, and the host keeps working', async () => {
    await expectWalksRefused(WALKS, '[3, 1, 2].toSorted().join()', '1,2,3')
  }, 60_000)

  it('arrays a script can really hold still work with every wrapped method', async () => {
    const src = `const a = Array.from({ length: 1000 }, (_, i) => i);
      const b = []; b[5] = 1;
      [a.indexOf(999), a.includes(5), a.lastIndexOf(0), a.join('').length, a.slice(990).length,
       a.map((x) => x * 2)[999], a.filter((x) => x % 2).length, a.reduce((s, x) => s + x, 0),
       [...a].reverse()[0], [1, [2, [3]]].flat(Infinity).length, [].concat(a, [1]).length,
       b.indexOf(1), Array.prototype.join.call({ length: 3, 1: 'x' }, '-'), a.values().drop(998).toArray().join(),
       Array.prototype.forEach.name, Array.prototype.forEach.length, Array.prototype.concat.length,
       Object.getOwnPropertyDescriptor(Array.prototype, 'map').enumerable].join('|')`
    // a generous limit: this one checks results, not time (a loaded machine)
    const [o] = await runInline([src], { ...LIMITS, timeoutMs: 10_000 })
    expect(o?.error).toBeUndefined()
    expect(o?.value).toBe('999|true|0|2890|10|1998|500|499500|999|3|1001|5|-x-|998,999|forEach|1|1|false')
  }, 60_000)
})

// Long builtins that do consult the interrupt handler (or allocate through the memory
// limit): inline, each must give the host back its thread soon after a 100 ms limit.
const BOUNDED: Record<string, string> = {
  'catastrophic regex': `/(a+)+$/.test('a'.repeat(40) + 'b')`,
  'sort of 300,000 numbers': 'const a = []; for (let i = 0; i < 3e5; i++) a.push((i * 7919) % 300007); a.sort(); a.length',
  'sort with a comparator': 'const a = []; for (let i = 0; i < 3e5; i++) a.push((i * 7919) % 300007); a.sort((x, y) => x - y); 1',
  'JSON.stringify wide': 'const o = {}; for (let i = 0; i < 2e5; i++) o["k" + i] = i; JSON.stringify(o).length',
  'JSON.stringify deep': 'let o = []; for (let i = 0; i < 1e5; i++) o = [o]; JSON.stringify(o).length',
  // just over the 16 MiB limit: at 15e6 bytes the trip depended on what the heap held already
  // (a state's memory now grows on demand instead of starting at 16 MiB with 5 MiB of stack)
  'repeat near the memory limit': `'x'.repeat(17e6).length`,
  'padEnd near the memory limit': `''.padEnd(17e6, 'ab').length`,
  'localeCompare of 5 MB strings': `const s = 'a'.repeat(5e6); for (;;) s.localeCompare(s + 'b')`,
  'BigInt products': 'let a = 7n ** 300000n; for (;;) a * a',
}

describe('long builtins that check for interrupts stop soon after the limit (inline)', () => {
  it('each trips a limit within 3 s of a 100 ms limit', async () => {
    const outcomes = await runInline(Object.values(BOUNDED))
    for (const [i, name] of Object.keys(BOUNDED).entries()) {
      const o = outcomes[i] as Outcome
      // QuickJS's own BigInt size cap may refuse first (a catchable RangeError): control is back either way
      if (o.error?.name === 'ScriptRuntimeError') expect(o.error.message, name).toContain('BigInt is too large')
      else expect(o.error?.name, name).toBe('LimitExceededError')
      expect(o.ms, name).toBeLessThan(3_000)
    }
  }, 60_000)
})
