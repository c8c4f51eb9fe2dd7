import { describe, expect, it } from 'vitest'
import { runInline } from './child/run-inline.js'
import { itAnswersAsRaw, rawDifferential } from './raw-differential.js'

// QuickJS turns a BigInt into text in a radix that is not a power of two with a quadratic
// conversion, one native call with no interrupt check: inline, under a 200 ms limit,
// `((1n << 1048000n) - 1n).toString()` held the host 27.5 s, `.toString(7)` 31 s. A long one is
// now made in a guest loop with checks between its steps (guest-bigint-text.ts).

describe('BigInt.prototype.toString of a huge BigInt stops at the deadline (inline)', () => {
  const LIMITS = { timeoutMs: 200, memoryBytes: 256 * 2 ** 20 }
  const big = '((1n << 1048000n) - 1n)'
  const CALLS: Record<string, string> = {
    'toString()': `${big}.toString()`,
    'toString(7)': `${big}.toString(7)`,
    'a negative one, toString(10)': `(-${big}).toString(10)`,
    'toLocaleString() (calls toString)': `${big}.toLocaleString()`,
    'a BigInt object, toString(36)': `Object(${big}).toString(36)`,
  }
  // one child each: a call after another's timeout would also wait for that state's heap of
  // huge BigInts to be replaced (up to 1.7 s on a loaded machine), which is not this bound's
  it.each(Object.keys(CALLS))('%s ends with timeout, near the limit, and the next execution runs', { timeout: 60_000 }, async (name) => {
    // the first execution also makes the state (a second or more on a loaded machine): not timed
    const [, o, after] = await runInline(["'warm'", CALLS[name] as string, "'after'"], LIMITS)
    expect(o?.error?.limit).toBe('timeout')
    expect(o?.ms).toBeLessThan(1_500)
    expect(after?.value).toBe('after')
  })
})

describe('BigInt.prototype.toString answers as raw QuickJS', () => {
  const d = rawDifferential()
  // values from under the 2^14-bit threshold to a few times over it; each text compared whole
  const cases: Record<string, string> = {}
  for (const [name, value] of [
    ['3^9000 (14,265 bits)', '3n ** 9000n'],
    ['3^12000 (19,020 bits)', '3n ** 12000n'],
    ['-(7^20000)', '-(7n ** 20000n)'],
    ['10^20000 (runs of zero pieces)', '10n ** 20000n'],
    ['10^19 to the 1000th (a power of the piece)', '(10n ** 19n) ** 1000n'],
    ['2^16384 exactly, and one less', '[1n << 16384n, (1n << 16384n) - 1n]'],
    ['(2^40000 - 1) / 3', '((1n << 40000n) - 1n) / 3n'],
  ]) {
    cases[`${name}: radixes 2 to 36`] =
      `const v = [${value}].flat(); const out = []; for (const x of v) for (let r = 2; r <= 36; r++) out.push(x.toString(r)); out.join(',')`
    cases[`${name}: no radix, toLocaleString, String`] =
      `const v = [${value}].flat(); v.map((x) => [x.toString(), x.toLocaleString(), String(x), \`\${x}\`].join('/')).join(',')`
  }
  Object.assign(cases, {
    'a BigInt object receiver': 'Object(3n ** 12000n).toString(7)',
    'a radix that is an object, converted once':
      'let n = 0; const s = (3n ** 12000n).toString({ valueOf() { n++; return 11 } }); [s, n].join()',
    'a fractional radix': '(3n ** 12000n).toString(10.9)',
    'a string radix': "(3n ** 12000n).toString('13')",
    'radix 1': '(3n ** 12000n).toString(1)',
    'radix 37': '(3n ** 12000n).toString(37)',
    'radix NaN': '(3n ** 12000n).toString(NaN)',
    'a BigInt radix': '(3n ** 12000n).toString(10n)',
    'a Symbol radix': '(3n ** 12000n).toString(Symbol())',
    'a receiver that is not a BigInt': 'BigInt.prototype.toString.call(5, 2)',
    'a receiver that is not a BigInt and a radix whose valueOf throws':
      "BigInt.prototype.toString.call({}, { valueOf() { throw new Error('radix read') } })",
    'the function': 'const f = BigInt.prototype.toString; [f.name, f.length, Object.keys(f).length].join()',
  })
  itAnswersAsRaw(d, cases)
})

// QuickJS parses a decimal text into a BigInt with a quadratic loop in one native call:
// inline, under a 200 ms limit, `BigInt('9'.repeat(310000))` held the host 1.1-2.6 s. A long
// decimal text is now priced first, and refused with the timeout when it cannot be parsed in
// the time left (guest-bigint-text.ts).
describe('BigInt of a long decimal text stops near the deadline (inline)', () => {
  const LIMITS = { timeoutMs: 200, memoryBytes: 256 * 2 ** 20 }
  const CALLS: Record<string, string> = {
    // three calls: the builtin's held the host 1.1-2.6 s each
    '310,000 nines, three times': "const s = '9'.repeat(310000); for (let i = 0; i < 3; i++) BigInt(s)",
    'signed, leading zeros and white space, three times':
      "const s = ' \\n-000' + '7'.repeat(310000) + '\\t'; for (let i = 0; i < 3; i++) BigInt(s)",
    // the builtin converts an object to a primitive first (number hint): its text is priced too
    'an object whose toString answers the text, three times':
      "const s = '9'.repeat(310000); for (let i = 0; i < 3; i++) BigInt({ toString: () => s })",
    'an object whose valueOf answers the text, three times':
      "const s = '9'.repeat(310000); for (let i = 0; i < 3; i++) BigInt({ valueOf: () => s })",
    'an object whose Symbol.toPrimitive answers the text, three times':
      "const s = '9'.repeat(310000); for (let i = 0; i < 3; i++) BigInt({ [Symbol.toPrimitive]: () => s })",
    'a String object, three times': "const s = new String('9'.repeat(310000)); for (let i = 0; i < 3; i++) BigInt(s)",
  }
  it.each(Object.keys(CALLS))('%s ends with timeout, near the limit, and the next execution runs', { timeout: 60_000 }, async (name) => {
    const [, o, after] = await runInline(["'warm'", CALLS[name] as string, "'after'"], LIMITS)
    expect(o?.error?.limit).toBe('timeout')
    expect(o?.ms).toBeLessThan(1_500)
    expect(after?.value).toBe('after')
  })
})

describe('BigInt of a text answers as raw QuickJS', () => {
  const d = rawDifferential()
  const shown = (e: string) => `const x = ${e}; [typeof x, x.toString(16).length, (x % 1000000007n).toString()].join()`
  itAnswersAsRaw(d, {
    '20,000 digits': shown("BigInt('8'.repeat(20000))"),
    'a sign, leading zeros and white space of every kind': shown(
      "BigInt('\\u00a0\\ufeff\\u2028 \\t+' + '0'.repeat(5000) + '123456789'.repeat(1000) + '\\u3000\\n')",
    ),
    'a negative text': shown("BigInt('-' + '9'.repeat(9000))"),
    'only zeros': shown("BigInt('0'.repeat(20000))"),
    'the most digits QuickJS accepts': shown("BigInt('9'.repeat(310688))"),
    'one digit more': "try { BigInt('1' + '0'.repeat(310688)) } catch (e) { String(e) }",
    'past the most digits, after leading zeros': shown("BigInt('0'.repeat(1000) + '9'.repeat(310688))"),
    'a text that is not decimal': "try { BigInt('9'.repeat(9000) + 'x') } catch (e) { String(e) }",
    'a decimal point': "try { BigInt('9'.repeat(9000) + '.0') } catch (e) { String(e) }",
    'a hexadecimal text': shown("BigInt('0x' + 'f'.repeat(20000))"),
    'a sign before a hexadecimal text': "try { BigInt('-0x' + 'f'.repeat(9000)) } catch (e) { String(e) }",
    'an object whose text is long': shown("BigInt({ toString: () => '5'.repeat(9000) })"),
    'the function':
      "[BigInt.name, BigInt.length, BigInt.prototype.constructor === BigInt, String(BigInt), typeof BigInt.asUintN].join('|')",
    'new BigInt': "try { new BigInt('1'.repeat(5000)) } catch (e) { String(e) }",
    // (names and values: the sandbox's intrinsics are frozen, so their attributes differ)
    'its own properties':
      "Object.getOwnPropertyNames(BigInt).map((k) => k + typeof BigInt[k] + (BigInt[k] === BigInt.prototype) + BigInt.asUintN(8, 257n)).join('|')",
    'no argument': 'try { BigInt() } catch (e) { String(e) }',
  })
})

// The wrapper converts an object argument to a primitive itself (ToPrimitive, number hint, as
// the builtin does) and hands the builtin that primitive: the object's methods run once, in
// the same order, and fail as the builtin's conversion fails.
describe('BigInt of an object answers as raw QuickJS', () => {
  const d = rawDifferential()
  const logged = (arg: string) =>
    `const log = []; const r = (k, v) => { log.push(k); return v }; let out; try { out = String(BigInt(${arg})) } catch (e) { out = String(e) } [out, log.join('>')].join('|')`
  itAnswersAsRaw(d, {
    'valueOf before toString': logged("{ valueOf: () => r('valueOf', '12'), toString: () => r('toString', '34') }"),
    'valueOf answers an object, then toString': logged("{ valueOf: () => r('valueOf', {}), toString: () => r('toString', '34') }"),
    'valueOf not callable': logged("{ valueOf: 5, toString: () => r('toString', '0x1f') }"),
    'both answer objects': logged("{ valueOf: () => r('valueOf', {}), toString: () => r('toString', []) }"),
    'Symbol.toPrimitive with the number hint, read once': logged(
      "{ get [Symbol.toPrimitive]() { log.push('get'); return (h) => r(h, '77') }, valueOf: () => r('valueOf', '1') }",
    ),
    'Symbol.toPrimitive answers an object': logged("{ [Symbol.toPrimitive]: () => r('exotic', {}) }"),
    'Symbol.toPrimitive not callable': logged('{ [Symbol.toPrimitive]: 5 }'),
    'Symbol.toPrimitive null (ordinary conversion)': logged("{ [Symbol.toPrimitive]: null, valueOf: () => r('valueOf', 8) }"),
    'Symbol.toPrimitive throws': logged("{ [Symbol.toPrimitive]() { throw new RangeError('mine') } }"),
    'its getter throws': logged("{ get [Symbol.toPrimitive]() { throw new URIError('getter') } }"),
    'valueOf answers a number, a fraction, a boolean, a BigInt, a symbol, null, undefined':
      "[5, 1.5, true, 9n, Symbol('s'), null, undefined].map((v) => { try { return String(BigInt({ valueOf: () => v })) } catch (e) { return String(e) } }).join()",
    'a String object of a long text': "String(BigInt(new String('3'.repeat(9000))) % 1000003n)",
    'a Number object, a Boolean object, a BigInt object': '[Object(7), Object(false), Object(5n)].map((o) => String(BigInt(o))).join()',
    'a Date (number hint: its time)': 'String(BigInt(new Date(12345)))',
    'an array of one decimal text': "String(BigInt(['123']))",
    'a function': 'try { BigInt(function () {}) } catch (e) { String(e) }',
    'a Proxy: the traps it runs': logged(
      "new Proxy({ valueOf: () => '6' }, { get(t, k) { log.push(typeof k === 'symbol' ? k.description : k); return t[k] } })",
    ),
  })
})
