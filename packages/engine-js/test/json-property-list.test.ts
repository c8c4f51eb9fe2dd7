import { describe, expect, it } from 'vitest'
import { runInline } from './child/run-inline.js'
import { itAnswersAsRaw, rawDifferential } from './raw-differential.js'

// JSON.stringify with a replacer array (a property list) looks every listed key up in every
// object it serializes, in one native call with no interrupt check: 1e4 references to one {}
// under a list of 1e4 keys held an inline host 22 s of a 50 ms limit, 3e4 of each 237 s (past 60 s of 1 s here). A list
// of 32 keys or more now runs as a replacer function serializing each object through a Proxy of
// the list (guest-number-text.ts): a guest call per value, so the deadline stops it. The answers,
// and the order in which getters, toJSON and Proxy traps run, are the builtin's.

const LIST = "const keys = Array.from({ length: 3e4 }, (_, i) => 'k' + i);"

describe('JSON.stringify with a long property list', () => {
  it('stops at the time limit', async () => {
    const [same, nested, after] = await runInline(
      [
        `${LIST} JSON.stringify(Array(3e4).fill({}), keys).length`,
        `${LIST} JSON.stringify({ x: Array.from({ length: 3e4 }, () => ({})) }, ['x', ...keys]).length`,
        "JSON.stringify({ b: 1, a: [{ a: 2, c: 3 }] }, ['a', 'b'])",
      ],
      { timeoutMs: 1_000, memoryBytes: 64 * 2 ** 20 },
    )
    for (const o of [same, nested]) {
      expect(o?.error?.limit).toBe('timeout')
      expect(o?.ms).toBeLessThan(5_000)
    }
    expect(after?.value).toBe('{"a":[{"a":2}],"b":1}')
  }, 60_000)

  // A short list kept the builtin's call, which visits a shared object once per path to it:
  // 30 levels of \`x = {a: x, b: x}\` under ['a', 'b'] held an inline host 8.3 s of a 50 ms limit
  // (ended by the memory limit). A walk of what the builtin would visit now sends such a value
  // down the replacer-function path.
  it('stops at the time limit with a short list and shared objects', async () => {
    const [objects, arrays, after] = await runInline(
      [
        "let x = { a: 1 }; for (let i = 0; i < 30; i++) x = { a: x, b: x }; JSON.stringify(x, ['a', 'b']).length",
        "let x = [1]; for (let i = 0; i < 30; i++) x = [x, x]; JSON.stringify(x, ['a']).length",
        "JSON.stringify({ b: 1, a: [{ a: 2, c: 3 }] }, ['a', 'b'])",
      ],
      { timeoutMs: 50, memoryBytes: 64 * 2 ** 20 },
    )
    for (const o of [objects, arrays]) {
      expect(o?.error?.limit).toBe('timeout')
      expect(o?.ms).toBeLessThan(3_000)
    }
    expect(after?.value).toBe('{"a":[{"a":2}],"b":1}')
  }, 60_000)
})

describe('JSON.stringify with a property list answers as the builtin', () => {
  const d = rawDifferential()
  // every case runs with its list padded past 32 keys (the Proxy path) and as written (the builtin)
  const PAD = "const PAD = Array.from({ length: 40 }, (_, i) => 'zz' + i);"
  const long = (s: string) =>
    `${PAD} const STR = (v, r, s) => JSON.stringify(v, Array.isArray(r) ? [...r, ...PAD] : r, s); ${s.replaceAll('JSON.stringify(', 'STR(')}`
  const cases: Record<string, string> = {
    'list order, integer-like keys': "JSON.stringify({ a: 1, 1: 2, 0: 3, b: 4 }, ['b', '1', 'a', '0'])",
    'numbers, boxed items, duplicates': "JSON.stringify({ 1: 2, a: 1, b: 2 }, [new String('b'), new Number(1), 1, 'a', 'a', {}, true])",
    'nested values and space': "JSON.stringify({ a: { a: 1, b: [1, { a: 2, c: 3 }] }, b: 2 }, ['a', 'b'], 2)",
    'inherited keys, non-enumerable keys':
      "const o = Object.create({ a: 1 }); Object.defineProperty(o, 'h', { value: 2 }); JSON.stringify(o, ['a', 'h'])",
    'getter and toJSON order':
      "const log = []; const o = { get b() { log.push('b'); return { get a() { log.push('ba'); return 1 } } }, get a() { log.push('a'); return { toJSON(k) { log.push('t' + k); return k } } } }; JSON.stringify(o, ['b', 'a']) + log.join()",
    'a Proxy value and a Proxy list':
      "const log = []; const p = new Proxy({ a: 1 }, { get(t, k) { log.push(String(k)); return t[k] }, ownKeys(t) { log.push('ownKeys'); return Reflect.ownKeys(t) } }); const l = new Proxy(['x', 'a'], { get(t, k) { log.push('l' + String(k)); return t[k] } }); JSON.stringify({ x: p }, l) + log.join()",
    'boxed values, dates, functions, undefined':
      "JSON.stringify({ a: new Number(3), b: new String('x'), c: new Boolean(true), d: new Date(0), e() {}, f: undefined, g: null }, ['a', 'b', 'c', 'd', 'e', 'f', 'g'])",
    'a cycle': "const o = { a: [] }; o.a.push(o); try { JSON.stringify(o, ['a']) } catch (e) { e.name + ': ' + e.message }",
    'a shared object that is no cycle': "const s = { a: 1 }; JSON.stringify({ a: [s, s, { a: s }] }, ['a'])",
    'shared objects past the walk budget':
      "let x = { a: 1, b: 2 }; for (let i = 0; i < 13; i++) x = { a: x, b: [x] }; JSON.stringify(x, ['a', 'b']).length",
    'toJSON and getters on prototypes':
      "const log = []; const P = { get a() { log.push('a'); return 1 }, toJSON() { log.push('t'); return { b: 2, a: 3 } } }; const o = Object.create(P); JSON.stringify([Object.create({ get b() { log.push('b'); return 2 } }), { x: o }], ['b', 'x']) + JSON.stringify({ x: o }, ['x']) + log.join()",
    'Proxies from Proxy.revocable and a Proxy prototype':
      "const log = []; const h = { get(t, k) { log.push(String(k)); return t[k] }, getOwnPropertyDescriptor(t, k) { log.push('d' + String(k)); return Reflect.getOwnPropertyDescriptor(t, k) } }; const r = Proxy.revocable({ a: 1 }, h); const o = Object.create(new Proxy({ a: 2 }, h)); const s = JSON.stringify({ a: [r.proxy, o] }, ['a']); r.revoke(); let e = ''; try { JSON.stringify([r.proxy], ['a']) } catch (x) { e = x.name } s + e + log.join()",
    'the Proxy constructor itself':
      "let m = ''; try { Proxy({}, {}) } catch (e) { m = e.name + e.message } [typeof Proxy, Proxy.name, Proxy.length, String(Proxy), Object.getOwnPropertyNames(Proxy).join(), Proxy.revocable.name, Proxy.revocable.length, String(Proxy.revocable), m, new Proxy([], {}) instanceof Array, Array.isArray(new Proxy([], {})), 'prototype' in Proxy].join('|')",
    'errors from a getter and a BigInt':
      "let r = ''; try { JSON.stringify({ get a() { throw new RangeError('boom') } }, ['a']) } catch (e) { r += e.name } try { JSON.stringify({ a: 1n }, ['a']) } catch (e) { r += e.name } r",
  }
  itAnswersAsRaw(
    d,
    Object.fromEntries(
      Object.entries(cases).flatMap(([name, s]) => [
        [name, s],
        [`${name} (long list)`, long(s)],
      ]),
    ),
  )
})
