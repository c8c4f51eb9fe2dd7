import { describe } from 'vitest'
import { itAnswersAsRaw, rawDifferential } from './raw-differential.js'

// What the sandbox puts in place of a builtin (the lockdown's accessors over frozen
// prototypes' toString/valueOf/constructor, Math.random, the windowed split) must answer as
// the builtin does: each script runs on a plain context of the same QuickJS build too, and
// both JSON answers (or error texts) must be equal.

const CASES = {
  // split() with no separator was split on the text 'undefined'
  'split without a separator': `JSON.stringify(['xundefinedy'.split(), 'undefined'.split(undefined), 'a undefined b'.split(undefined, 2), 'undefined'.split(undefined, 0)])`,
  // the accessor made a read-only own property writable and a hidden one enumerable
  'super assignment over a read-only own property': `class A {
      constructor() { Object.defineProperty(this, 'toString', { value: () => 'own', writable: false, configurable: true }) }
      set() { try { super.toString = () => 'new'; return 'assigned' } catch (e) { return e.constructor.name + ': ' + e.message } }
    }
    const a = new A(); JSON.stringify([a.set(), String(a)])`,
  'super assignment keeps a hidden own property hidden': `class B {
      constructor() { Object.defineProperty(this, 'valueOf', { value: () => 1, writable: true, enumerable: false, configurable: true }) }
      set() { super.valueOf = () => 2; return this.valueOf() }
    }
    const b = new B(); JSON.stringify([b.set(), Object.keys(b), Object.getOwnPropertyDescriptor(b, 'valueOf').enumerable])`,
  'super assignment over an own accessor': `class C {
      constructor() { Object.defineProperty(this, 'constructor', { get: () => 'got', configurable: true }) }
      set() { try { super.constructor = 1; return 'assigned' } catch (e) { return e.name + ': ' + e.message } }
    }
    JSON.stringify([new C().set()])`,
  'plain assignments over the frozen prototypes': `const o = {}; o.toString = () => 'mine'; o.valueOf = () => 7; const f = function () {}; f.toString = () => 'f';
    JSON.stringify([String(o), o + 1, Object.keys(o), String(f), Object.keys(f)])`,
  'assignment through a proxy receiver': `const log = []; const p = new Proxy({}, {
      defineProperty(t, k, d) { log.push('define ' + String(k)); return Reflect.defineProperty(t, k, d) },
      getOwnPropertyDescriptor(t, k) { log.push('own ' + String(k)); return Reflect.getOwnPropertyDescriptor(t, k) } });
    p.toString = () => 'p'; JSON.stringify([String(p), log])`,
  // long searches (elements × needle over 2^18) run element by element: in the spec's order,
  // stopping at the match, with no species constructor and the traps a native search fires
  'lastIndexOf reads from the end': `const T = 'q'.repeat(300); const a = Array(1000).fill('x');
    Object.defineProperty(a, 999, { get() { a[500] = T; return 'x' } }); JSON.stringify([a.lastIndexOf(T), a.lastIndexOf(T, 400)])`,
  'a search stops at the match': `const T = 'q'.repeat(300); const a = Array(1000).fill('x'); a[3] = T;
    Object.defineProperty(a, 800, { get() { throw new Error('read 800') } });
    JSON.stringify([a.indexOf(T), a.includes(T), (() => { try { return a.indexOf(T, 4) } catch (e) { return e.message } })()])`,
  'no species constructor, no subclass constructor': `let made = 0; class Sub extends Array { constructor(...x) { super(...x); made++ } }
    const s = Sub.from(Array(1000).fill('x')); made = 0; const a = Array(1000).fill('x');
    a.constructor = { [Symbol.species]: function () { throw new Error('species called') } };
    JSON.stringify([a.indexOf('q'.repeat(300)), s.indexOf('q'.repeat(300)), s.includes(5n), made])`,
  'holes, proxies and BigInt needles': `const log = []; const base = Array(1000).fill('x'); delete base[2]; base[5] = 'q'.repeat(300);
    const p = new Proxy(base, { has(t, k) { log.push('has ' + String(k)); return Reflect.has(t, k) }, get(t, k, r) { if (k !== 'length') log.push('get ' + String(k)); return Reflect.get(t, k, r) } });
    const r = [p.indexOf('q'.repeat(300)), p.includes('q'.repeat(300)), p.lastIndexOf('q'.repeat(300), 6)];
    const big = Array(300000).fill(0); big[299990] = 5n;
    JSON.stringify([r, log.join(','), big.indexOf(5n), big.includes(5n), big.lastIndexOf(5n), big.indexOf(6n)])`,
  // whole-input builtins charge their work (guest-heavy-builtins.ts): answers, errors and shapes are the builtins' own
  'charged builtins answer as natively': `const t = new Uint8Array([3, 1, 2]); const f = new Float64Array(t); class Sub extends Int16Array {}
    const tryOf = (g) => { try { return g() } catch (e) { return e.name + ': ' + e.message } };
    JSON.stringify([t.join('-'), [...t.toSorted()], [...new Uint8Array(t).reverse()], t.indexOf(1), t.includes(7), [...f.fill(1.5, 1)],
      [...new Uint8Array(4).copyWithin(1, 0)], tryOf(() => t.set([1, 2, 3, 4])), [...t.slice(1)], new Sub([1, 2]).map((x) => x) instanceof Sub,
      Reflect.ownKeys(Float64Array).map(String), Object.getOwnPropertyNames(Uint8Array.prototype).length, Uint8Array.prototype.constructor === Uint8Array,
      Object.getPrototypeOf(Int8Array) === Object.getPrototypeOf(Uint8Array), tryOf(() => Uint8Array(1)), tryOf(() => Uint8Array.prototype.join.call([1])),
      JSON.parse('[1,{"a":2}]'), JSON.stringify({ a: [1, 'x'] }, null, 1), tryOf(() => JSON.parse('{')), 'ÀB'.toLowerCase(), 'ß'.toUpperCase(),
      '\u0041\u030a'.normalize('NFC').length, 'a'.localeCompare('b'), ' x '.trim(), ''.trimLeft === ''.trimStart, 'ab'.padStart(4, '-'),
      'a,b'.split(','), 'x'.repeat(3), 'a'.concat('b', 1), tryOf(() => String.prototype.trim.call(null)), Object.keys({ a: 1, b: 2 }),
      Object.entries({ a: 1 }), Reflect.ownKeys({ [Symbol.iterator]: 1, z: 2 }).length, new ArrayBuffer(8).slice(2).byteLength,
      [String.prototype.toLowerCase, JSON.stringify, Uint8Array.prototype.join, Float64Array].map((g) => Function.prototype.toString.call(g)),
      [JSON.stringify.name, JSON.stringify.length, ''.padEnd.length, Uint8Array.length, Uint8Array.name]])`,
  // concat (template literals compile to it) calls the builtin with its own parameters up to four arguments
  'concat and template literals by argument count': `const tryOf = (g) => { try { return g() } catch (e) { return e.name + ': ' + e.message } };
    const log = []; const o = (n) => ({ toString() { log.push(n); return '<' + n + '>' } }); const c = String.prototype.concat;
    const counts = [0, 1, 2, 3, 4, 5, 6, 63, 64, 65].map((n) => 'a'.concat(...Array.from({ length: n }, (_, i) => (i % 3 ? i * 1.5 : o(i)))));
    JSON.stringify([counts, log, 'a'.concat(undefined, undefined), 'a'.concat(null, undefined, 0, -0), c.call(7, 8, 9), c.call(true), c.length, c.name,
      tryOf(() => c.call(null, 'x')), tryOf(() => c.call(undefined)), tryOf(() => c.call(null, 1, 2, 3, 4, 5)), tryOf(() => 'a'.concat(Symbol('s'))),
      tryOf(() => 'a'.concat(1, 2, 3, Symbol('s'))), ((x, y, z) => [\`\${x}\`, \`a\${x}b\${y}c\`, \`\${x}\${y}\${z}\`, \`\${o('t')}-\${[1, 2]}\`])(1.25, { a: 1 }, null),
      tryOf(() => \`\${Symbol('t')}\`), log.length])`,
  // the wrappers pass undefined for an argument left out, except where the builtins tell them apart
  'arguments left out and given as undefined': `const tryOf = (g) => { try { return g() } catch (e) { return e.name + ': ' + e.message } };
    const a = () => [1, 2, 3, 2, 1]; const t = () => new Uint8Array([1, 2, 3, 2, 1]);
    JSON.stringify([a().lastIndexOf(1), a().lastIndexOf(1, undefined), t().lastIndexOf(1), t().lastIndexOf(1, undefined),
      a().reduce((x, y) => x + y), a().reduce((x, y) => x + y, undefined), a().reduceRight((x, y) => x + ',' + y), tryOf(() => [].reduce((x) => x)),
      (() => { const b = a(); return [b.splice(1), b] })(), (() => { const b = a(); return [b.splice(1, undefined), b] })(),
      a().toSpliced(2), a().toSpliced(2, undefined), (() => { const b = a(); return [b.unshift(), b.unshift(undefined), b.length] })(),
      'a'.concat(), 'a'.concat(undefined), [1].concat(), [1].concat(undefined), [1.5].toLocaleString(), a().fill(0, 1), a().fill(),
      a().indexOf(2, undefined), a().includes(), [3, 1, 2].sort(undefined), a().slice(undefined, 2), 'abc'.split(undefined, 1),
      'ab'.padEnd(4), 'ab'.padEnd(4, undefined), 'x'.repeat(), 'e\u0301'.normalize(undefined).length, [[1], [2]].flat(undefined),
      a().every((x) => x > 0, undefined), a().map((x) => x * 2, undefined), [1, 2, 3].copyWithin(1), a().with(0)])`,
  // searches, parsers, escapes and compiles that charge their input (guest-heavy-builtins.ts)
  'newly charged builtins answer as natively': `const tryOf = (g) => { try { return g() } catch (e) { return e.name + ': ' + e.message } };
    JSON.stringify([Object.assign({}, { a: 1 }, null, 'xy', undefined, [5]), tryOf(() => Object.assign()), tryOf(() => Object.assign(null)), Object.assign([], [1], { length: 0 }), Object.assign(() => 1, { x: 2 }).x,
      'abc'.startsWith('ab'), 'abc'.startsWith(), 'undefined'.startsWith(), 'abc'.startsWith('c', 2), tryOf(() => 'a'.startsWith(/a/)), 'abc'.endsWith('bc', undefined), 'abc'.endsWith('a', 1),
      'xay'.indexOf('a'), 'x'.repeat(2000).indexOf('x', 1999), 'x'.repeat(2000).lastIndexOf('x', 5), 'x'.repeat(2000).includes('y'), 'ab'.match('b').index, 'ab'.match(), 'ab'.search('b'), [...'aba'.matchAll('a')].length,
      escape('ä b'), escape(), unescape('%E4%20'), encodeURI('a b?'), encodeURIComponent('a b?'), encodeURIComponent(), decodeURI('%41%3F'), decodeURIComponent('%41%3F'), tryOf(() => decodeURI('%')),
      parseFloat('1.5e3x'), parseFloat(), parseInt('ff', 16), parseInt('12', undefined), parseInt(), Number.parseFloat === parseFloat, Number.parseInt === parseInt,
      Number(), Number(undefined), Number('0x10'), Number(12n), typeof new Number('3'), new Number('3') + 1, new Number() + 0, 5 instanceof Number, new Number(1) instanceof Number,
      Object.prototype.toString.call(new Number(1)), Number.prototype.constructor === Number, Number.MAX_SAFE_INTEGER, Reflect.ownKeys(Number).map(String),
      String(new RegExp('a+', 'g')), String(RegExp('b')), String(new RegExp(/c/g, 'i')), String(new RegExp()), String(RegExp()), tryOf(() => new RegExp('(')),
      /x/ instanceof RegExp, new RegExp('x') instanceof RegExp, RegExp.prototype.constructor === RegExp, RegExp[Symbol.species] === RegExp, Reflect.ownKeys(RegExp).map(String),
      'a1b2'.split(/[0-9]/), class extends RegExp {}.name, new (class R extends RegExp { get kind() { return 'sub' } })('q').kind, String(/x/.compile('y', 'g')), String(/x/.compile()),
      [Object.assign, String.prototype.startsWith, escape, decodeURIComponent, parseInt, Number, RegExp, RegExp.prototype.compile].map((f) => [f.name, f.length, Function.prototype.toString.call(f)])])`,
  // RegExp is a Proxy of itself (charged compiles): called without new on a regexp whose
  // constructor is RegExp it must return that regexp, not a copy
  'RegExp called on a regexp returns it': `const r = /a/g; r.lastIndex = 1; const log = []
    const like = { [Symbol.match]: true, constructor: RegExp, source: 'b', flags: 'y' }
    const other = /c/; other.constructor = Object
    const watched = new Proxy({ source: 'w' }, { get(t, k, rec) { log.push(String(k)); return Reflect.get(t, k, rec) } })
    const sub = new (class S extends RegExp {})('s')
    const tryOf = (g) => { try { return g() } catch (e) { return e.name + ': ' + e.message } }
    JSON.stringify([RegExp(r) === r, RegExp(r).lastIndex, RegExp(r, undefined) === r, RegExp(r, 'g') === r, new RegExp(r) === r,
      RegExp(like) === like, RegExp(other) === other, String(RegExp(other)), RegExp(sub) === sub, String(RegExp(sub)),
      String(RegExp(watched)), log, String(RegExp('x')), String(RegExp()), tryOf(() => RegExp(RegExp.prototype)), RegExp.call(5, r) === r])`,
  // the replacements' source (the sandbox's internals) stayed visible
  'replaced builtins print as native code': `JSON.stringify([String.prototype.split, String.prototype.replace, Array.prototype.indexOf,
      Array.prototype.sort, RegExp.prototype[Symbol.replace], Math.random, String.raw, Function.prototype.toString, Object.prototype.toString].map((f) => Function.prototype.toString.call(f)))`,
  'user functions print their source': `function f(a) { return a + 1 } class K { m() {} }
    JSON.stringify([String(f), String(K), String(new K().m), String(() => 1), (function(){}).bind().toString(),
      (() => { try { return Function.prototype.toString.call({}) } catch (e) { return e.name } })()])`,
  'Math.random is a method, not a constructor': `let r; try { new Math.random(); r = 'constructed' } catch (e) { r = e.name + ': ' + e.message }
    JSON.stringify([r, Object.getOwnPropertyNames(Math.random), Math.random.name, Math.random.length, typeof Math.random()])`,
  // the override accessors let a strict assignment on a primitive pass silently
  'assigning an overridable builtin name on primitives and objects': `(() => { 'use strict'; const out = []
    for (const f of [() => (1).constructor = 5, () => 'abc'.valueOf = 5, () => true.toString = 1, () => (1n).valueOf = 2,
      () => Symbol().toString = 1, () => Object.preventExtensions({}).toString = 1, () => Object.freeze([]).constructor = 1,
      () => { const o = {}; o.toString = 1; return o.toString }, () => { const a = []; a.valueOf = 2; return a.valueOf }]) {
      try { out.push(String(f())) } catch (e) { out.push(e.name + ': ' + e.message) }
    }
    return JSON.stringify(out) })()`,
  // the charged walks (guest-heavy-builtins.ts, guest-object-walks.ts): names, lengths, results and errors
  'charged copies and object walks': `(() => { const out = []
    const r = (f) => { try { out.push(JSON.stringify(f())) } catch (e) { out.push(e.name + ': ' + e.message) } }
    const big = Array.from({ length: 3000 }, (_, i) => i)
    r(() => [Array.from, Object.freeze, Object.seal, Object.isFrozen, Object.isSealed, Object.getOwnPropertyDescriptors,
      Object.defineProperties, Object.create, Set.prototype.union, Set.prototype.isDisjointFrom, Iterator.prototype.toArray].map((f) => f.name + f.length))
    r(() => [Array.from(big).length, Array.from('abc', (c, i) => c + i), Array.from.call(Object, [1, 2]), Array.from({ length: 2 })])
    r(() => Array.from(null))
    r(() => [big.values().toArray().length, Iterator.from([1, 2]).toArray()])
    r(() => Iterator.prototype.toArray.call({}))
    r(() => [[...new Set([1, 2]).union(new Set([2, 3]))], [...new Set([1]).union(new Map([[5, 6]]))], new Set(big).isSubsetOf(new Set(big)),
      new Set([1]).isSubsetOf({ size: 1, has: () => true, keys: () => [].values() })])
    r(() => Set.prototype.union.call({}, new Set()))
    r(() => new Set().union({}))
    const f = Object.freeze(big.slice())
    r(() => [Object.isFrozen(f), Object.isSealed(f), Object.isFrozen(big), Object.isFrozen(1), Object.freeze(f) === f, Object.seal(5),
      Object.isSealed(Object.preventExtensions({ a: 1 })), Object.isFrozen(Object.preventExtensions({})), Object.isFrozen(new Proxy(f, {}))])
    const { proxy, revoke } = Proxy.revocable({}, {})
    revoke()
    for (const g of [Object.isFrozen, Object.freeze, Object.getOwnPropertyDescriptors]) r(() => g(proxy))
    r(() => Object.defineProperties({}, proxy))
    r(() => [Object.keys(Object.getOwnPropertyDescriptors(big)).length, Object.getOwnPropertyDescriptors('ab')])
    r(() => Object.getOwnPropertyDescriptors(null))
    const D = Object.getOwnPropertyDescriptors(big)
    r(() => [Object.keys(Object.defineProperties({}, D)).length, Object.keys(Object.create(null, D)).length, Object.create(null),
      Object.create(Array.prototype, undefined) instanceof Array])
    for (const g of [() => Object.create(5), () => Object.defineProperties({}, 'ab'), () => Object.defineProperties({}, { a: { get: 1 } }),
      () => Object.create(null, null)]) r(g)
    return out.join('\\n') })()`,
}

const raw = rawDifferential()

describe('replaced builtins answer as QuickJS does', () => {
  itAnswersAsRaw(raw, CASES)
})
