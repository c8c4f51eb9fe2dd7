import { describe, expect, it } from 'vitest'
import { type Outcome, runInline } from './child/run-inline.js'
import { itAnswersAsRaw, rawDifferential } from './raw-differential.js'

// Builtins that turn a whole array of numbers into text in one native call (guest-number-text.ts):
// QuickJS formats a subnormal double in ~75 µs, so 1e5 of them held an inline host 7–10 s
// under a 300 ms limit, and a result of them as long again in its conversion. They now work
// in pieces with deadline checks between them. Their answers, errors and the order in which
// they run script code must stay the builtins' own: each case runs on a plain context of the
// same QuickJS build too, and both answers must be equal.

const SUBNORMALS = 'const d = Array.from({ length: 5000 }, (_, i) => 5e-324 * (i + 1) * 7919);'
const MIXED = `const m = Array.from({ length: 3000 }, (_, i) => [i, -i / 7, 'x' + i, undefined, null, true, 1e21 * i, -0, NaN, -Infinity, 2n ** BigInt(i % 70), [i, [i]], { toString: () => 'o' + i }][i % 13]);
  delete m[17]; m[2999] = 5e-324;`
// 2e5 subnormals: about 15 s of formatting in one native call before
const MAKE = 'const a = Array.from({ length: 2e5 }, (_, i) => 5e-324 * (i + 1));'
const TRY = 'const tryOf = (g) => { try { return g() } catch (e) { return e.name + ": " + e.message } };'

const CASES: Record<string, string> = {
  'Array join of numbers of every kind': `${SUBNORMALS} ${MIXED} JSON.stringify([d.join().length, d.join(), m.join(), m.join(''), m.join(5), m.join({ toString: () => '<>' }), m.join(undefined).length])`,
  'Array join reads each element once, then its text, in order': `const log = []; const a = Array.from({ length: 2000 }, (_, i) => ({ toString() { log.push('s' + i); return String(i) } }));
    for (const i of [0, 1, 1500, 1999]) Object.defineProperty(a, i, { get() { log.push('g' + i); return { toString() { log.push('t' + i); return 'G' } } } });
    const sep = { toString() { log.push('sep'); return '|' } }; const r = a.join(sep);
    JSON.stringify([r.length, r.slice(0, 40), log.length, log.slice(0, 8), log.slice(2995)])`,
  'Array join on array-likes, strings and failures': `${TRY} JSON.stringify([Array.prototype.join.call({ length: 2000, 0: 1.5, 1999: 'z' }).length,
    Array.prototype.join.call('ab'.repeat(800), '-').slice(0, 20), tryOf(() => Array.prototype.join.call(null)),
    tryOf(() => Array(2000).fill(Symbol('s')).join()), tryOf(() => { const a = Array(2000).fill(1); a[1000] = { toString() { throw new Error('boom') } }; return a.join() }),
    Array.prototype.join.call({ length: '2001.7' }).length, String(Array(1500).fill(0.1)).length, \`\${Array(1500).fill(-0.5)}\`.length])`,
  'Array join of short arrays, in order': `${TRY} const log = []; const a = [1, 'a', null, undefined, 1.5, 5e-324, true, -0, 1n, [2, [3]], { toString() { log.push('t'); a[12] = 'late'; return 'o' } }, , 7];
    Object.defineProperty(a, 3, { get() { log.push('g'); return 1e21 } });
    JSON.stringify([a.join('-'), a.join(), String(a), [].join(), [5e-324].join(), [, ,].join(), log, tryOf(() => [1, Symbol('s')].join()),
      Array.prototype.join.call({ length: 3, 0: 0.1, 2: 'z' }, { toString: () => '+' }), Array.prototype.join.call('abc')])`,
  'typed-array join and toString': `${SUBNORMALS} ${TRY} const f = new Float64Array(d); const buf = new ArrayBuffer(8 * 6000); const v = new Float64Array(buf, 8 * 700, 5000); v.set(f);
    const f32 = new Float32Array(Array.from({ length: 4000 }, (_, i) => i / 3)); const i16 = new Int16Array(Array.from({ length: 40000 }, (_, i) => i * 7));
    const b64 = new BigInt64Array(Array.from({ length: 3000 }, (_, i) => BigInt(i) * -12345678901n)); const u8c = new Uint8ClampedArray(70000).fill(255);
    JSON.stringify([f.join(), v.join('; '), String(f32), \`\${i16}\`.length, i16.join('').length, b64.join(), u8c.join(undefined).length,
      f.subarray(1000, 4000).join(), tryOf(() => Float64Array.prototype.join.call([1, 2])), new Float64Array(2000).join({ toString: () => 'x' }).length])`,
  'typed-array join after its separator detaches or shrinks the buffer': `${TRY} const f = new Float64Array(3000).fill(0.25);
    const r1 = tryOf(() => f.join({ toString() { f.buffer.transfer ? f.buffer.transfer() : 0; return ',' } }));
    const rb = new ArrayBuffer(8 * 3000, { maxByteLength: 8 * 3000 }); const g = new Float64Array(rb); g.fill(1.5);
    const r2 = tryOf(() => g.join({ toString() { rb.resize(8 * 1500); return ';' } }));
    JSON.stringify([typeof r1 === 'string' ? r1.length : r1, typeof r2 === 'string' ? [r2.length, r2.slice(-20)] : r2])`,
  'JSON.stringify with numbers, replacers, toJSON and failures': `${SUBNORMALS} ${MIXED} ${TRY} const o = { d, n: { x: [1.5, -0, 1e300, new Number(2.5)], t: { toJSON(k) { return [k, 5e-324] } } } };
    const seen = []; const rep = function (k, v) { seen.push(typeof this + ':' + k); return typeof v === 'number' ? v * 2 : v };
    const cyc = [1]; cyc.push(cyc);
    JSON.stringify([JSON.stringify(o).length, JSON.stringify(o, null, 2).slice(0, 300), JSON.stringify(o, rep, '\\t').slice(0, 300), seen.length, seen.slice(0, 6),
      JSON.stringify(o.n, ['x', 't', '1', 0]), JSON.stringify({ 2: 'b', a: 1, 1: 'c' }, ['a', '2', '1']), tryOf(() => JSON.stringify(cyc)), tryOf(() => JSON.stringify({ b: 1n })),
      tryOf(() => JSON.stringify(m.slice(0, 14))), JSON.stringify(m.filter((x) => typeof x !== 'bigint')).length, JSON.stringify([undefined, () => 1, Symbol('s')]),
      JSON.stringify(5e-324), JSON.stringify('x'), tryOf(() => JSON.stringify({ a: 1 }, function () { throw new RangeError('in replacer') }))])`,
  'String concat and String.raw with many parts': `${SUBNORMALS} ${TRY} const parts = d.slice(0, 200).map((x, i) => (i % 3 ? x : { toString: () => 'o' + i }));
    const raw = Array.from({ length: 3000 }, (_, i) => (i % 5 ? 'r' + i : 1.5 * i));
    JSON.stringify([''.concat(...parts).length, 'a'.concat(...parts).slice(0, 60), String.prototype.concat.apply(7, d.slice(0, 100)).length,
      String.raw({ raw }, ...d.slice(0, 2000)).length, String.raw({ raw }, 1, 2).slice(0, 80), String.raw({ raw: 'x'.repeat(2000) }, ...'abc').length,
      tryOf(() => String.raw({ raw: { length: 2000, get 5() { throw new Error('raw 5') } } })), tryOf(() => ''.concat(...Array(100).fill(Symbol('s')))),
      tryOf(() => String.prototype.concat.apply(null, d.slice(0, 100)))])`,
  // the wrapper reads template.raw once and gives the builtin what it read, as a native call reads it
  'String.raw reads template.raw once': `${TRY} let n = 0; const r = String.raw({ get raw() { n++; return ['a', 'b'] } }, 1); let k = 0;
    JSON.stringify([r, n, tryOf(() => String.raw({ get raw() { return k++ ? ['x', 'y'] : undefined } }, '-')), k, tryOf(() => String.raw({ raw: null }))])`,
  'Object.fromEntries of many number keys': `${SUBNORMALS} ${TRY} const log = []; const e = d.slice(0, 3000).map((x, i) => (i === 7 ? { get 0() { log.push('k'); return { toString() { log.push('key'); return '__proto__' } } }, get 1() { log.push('v'); return 5 } } : [x, i]));
    const o = Object.fromEntries(e); const m = Object.fromEntries(new Map(e.slice(8, 2000)));
    JSON.stringify([Object.keys(o).length, Object.keys(o).slice(0, 12), o.__proto__, log, Object.keys(m).slice(-3), Object.getPrototypeOf(o) === Object.prototype,
      tryOf(() => Object.fromEntries([...e, 5])), tryOf(() => Object.fromEntries(new Set(Array(300).fill([1, 2]).concat([null]))))])`,
}

const d = rawDifferential({ limits: { timeoutMs: 20_000 } })

describe('builtins that format whole arrays answer as QuickJS does', () => {
  itAnswersAsRaw(d, CASES)
  it('join and String.raw refuse an infinite length as any length over the cap (it read as 0)', async () => {
    for (const source of [
      `Array.prototype.join.call({ length: Infinity, 0: 'a' }, '-')`,
      `String.raw({ raw: { length: Infinity, 0: 'a' } }, 1)`,
    ]) {
      await expect(d.host().execute({ language: 'js', source }), source).rejects.toThrow(
        /RangeError: array length 9007199254740991 is over the sandbox limit/,
      )
    }
  })
  it('a result of 2e5 subnormals crosses in well under its time limit (15 s of JSON formatting before)', async () => {
    const started = performance.now()
    const { value } = await d.host().execute({ language: 'js', source: `${MAKE} ({ a })`, limits: { timeoutMs: 10_000 } })
    expect(performance.now() - started).toBeLessThan(5_000)
    expect((value as { a: number[] }).a[199_999]).toBe(5e-324 * 200_000)
  })
  it('a result of numbers of every kind crosses as it does through raw QuickJS JSON', async () => {
    const source = `${SUBNORMALS} const r = { d, i: Array.from({ length: 3e5 }, (_, k) => k), f: Array.from({ length: 2e4 }, (_, k) => k / 3 + 1e15) }; r`
    const mine = (await d.host().execute({ language: 'js', source })).value
    expect(JSON.stringify(mine)).toBe(d.onRaw(`${source}; JSON.stringify(r)`))
  })
})

const CALLS: Record<string, string> = {
  'Array join': `${MAKE} a.join().length`,
  // under SMALL elements the builtin was called as it is: 1,000 subnormals a call, one tick each
  'short Array joins in a loop': 'const s = Array(1023).fill(5e-324 * 3); for (;;) s.join()',
  'String of a short array in a loop': 'const s = Array(1023).fill(5e-324 * 7); for (;;) String(s)',
  'Float64Array join': `${MAKE} new Float64Array(a).join().length`,
  'String of a Float64Array': `${MAKE} String(new Float64Array(a)).length`,
  'JSON.stringify nested': `${MAKE} JSON.stringify({ x: [a] }).length`,
  'JSON.stringify with a replacer function': `${MAKE} JSON.stringify([a], (k, v) => v).length`,
  'concat of 60,000 arguments': `${MAKE} ''.concat(...a.slice(0, 60000)).length`,
  'String.raw': `${MAKE} String.raw({ raw: a }).length`,
  'Object.fromEntries of number keys': `${MAKE} Object.keys(Object.fromEntries(a.map((x, i) => [x, i]))).length`,
}
describe('formatting a whole array of subnormals stops at the time limit (inline)', () => {
  it(`${Object.keys(CALLS).join(', ')}: timeout within 3 s of a 500 ms limit`, async () => {
    const outcomes = await runInline([...Object.values(CALLS), '[0.5, 5e-324].join() + JSON.stringify([1.5])'], {
      timeoutMs: 500,
      memoryBytes: 64 * 2 ** 20,
    })
    for (const [k, name] of Object.keys(CALLS).entries()) {
      const o = outcomes[k] as Outcome
      expect(o.error, name).toMatchObject({ name: 'LimitExceededError', limit: 'timeout' })
      expect(o.ms, name).toBeLessThan(3_000)
    }
    expect(outcomes.at(-1)?.value).toBe('0.5,5e-324[1.5]')
  }, 90_000)
})
