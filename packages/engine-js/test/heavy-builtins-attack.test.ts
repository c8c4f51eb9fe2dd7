import { describe, expect, it } from 'vitest'
import { type Outcome, runInline } from './child/run-inline.js'

// A builtin that walks its whole input is one tick of QuickJS's interrupt budget however long
// it runs, so a loop of them ran a whole budget (1,000 calls) between two deadline checks:
// inline, under a 1 s limit, `for (;;) a.join('')` over a 2e6-element Uint8Array held the host
// for 175 s, `JSON.stringify` of a million elements 174 s, `toLowerCase` of 8 MB 75 s, typed
// array reverse/indexOf/includes/copyWithin/fill 2–22 s, a typed-array copy-constructor 23 s.
// The wrapped builtins charge their work and bring the next check forward
// (guest-heavy-builtins.ts): each loop now stops with `timeout` at the limit plus the call
// running when it passed (measured 1.0–1.2 s; the bound allows for a loaded 2-core machine).
// They run in a child process (built packages: `pnpm run build` first) that is killed if it
// holds on: a regression fails the test instead of hanging the runner.

const LIMIT = 1_000
const BOUND = 3_000

const ARRAY = 'const a = Array.from({ length: 2e5 }, (_, i) => i);'
const SMALL_ARRAY = 'const a = Array.from({ length: 2e4 }, (_, i) => i);'
const KEYS = "const o = {}; for (let i = 0; i < 2e5; i++) o['k' + i] = i;"

const LOOPS: Record<string, string>[] = [
  {
    "Uint8Array join('')": "const a = new Uint8Array(2e6); for (;;) a.join('')",
    'Uint8Array reverse': 'const a = new Uint8Array(5e7); for (;;) a.reverse()',
    'Int32Array includes': 'const a = new Int32Array(1.5e7); for (;;) a.includes(1)',
    'Uint8Array indexOf': 'const a = new Uint8Array(5e7); for (;;) a.indexOf(1)',
    'Uint8Array copyWithin': 'const a = new Uint8Array(5e7); for (;;) a.copyWithin(1, 0)',
  },
  {
    'Float64Array fill': 'const a = new Float64Array(7e6); for (;;) a.fill(1.5)',
    'Float64Array sort':
      'const a = new Float64Array(2e6); for (let i = 0; i < a.length; i++) a[i] = (i * 2654435761) % 1e9; for (;;) a.sort()',
    'Float64Array from a Uint8Array': 'const a = new Uint8Array(3e6); for (;;) new Float64Array(a)',
    'JSON.stringify of a million elements': 'const a = new Array(1e6).fill(1); for (;;) JSON.stringify(a)',
    'JSON.parse of 2 MB': 'const t = JSON.stringify(new Array(1e6).fill(1)); for (;;) JSON.parse(t)',
  },
  {
    'toLowerCase of 8 MB': "const s = 'A'.repeat(8e6); for (;;) s.toLowerCase()",
    'normalize of 2 MB': "const s = '\\u0041\\u030a'.repeat(1e6); for (;;) s.normalize('NFC')",
    'trim of 20 MB': "const s = ' '.repeat(2e7) + 'x'; for (;;) s.trim()",
    'Object.keys of 500,000 keys': "const o = {}; for (let i = 0; i < 5e5; i++) o['k' + i] = 1; for (;;) Object.keys(o)",
    "Array join('ab') of a million holes": "for (;;) new Array(1e6).join('ab')",
  },
  // charged by the string they return, after the call
  {
    'repeat to 8 MB': "for (;;) 'A'.repeat(8e6)",
    'padEnd to 8 MB': "for (;;) ''.padEnd(8e6, 'ab')",
    'toUpperCase of 8 MB': "const s = 'a'.repeat(8e6); for (;;) s.toUpperCase()",
    'toWellFormed of 2e6 lone surrogates': "const s = '\\ud800'.repeat(2e6); for (;;) s.toWellFormed()",
  },
  // concat has one wrapper (guest-number-text.ts), which template literals call too, charged
  // by the text it returns; the + operator, which nothing wraps, does the same copying
  {
    'concat to 8 MB': "const s = 'a'.repeat(8e6); for (;;) s.concat('b')",
    'template literal to 8 MB': `const s = 'a'.repeat(8e6); for (;;) \`\${s}b\${s.length}\``,
    '+ to 8 MB': "const s = 'a'.repeat(8e6); for (;;) s + 'b'",
    // the work done before a later argument throws (no result to charge)
    'concat of 16 MB that throws': "const s = 'a'.repeat(8e6); for (;;) { try { s.concat(s, Symbol()) } catch {} }",
  },
  // uncharged before: 7–30 s each
  {
    "indexOf('b') over 30 MB": "const s = 'a'.repeat(3e7); for (;;) s.indexOf('b')",
    "includes('b') over 30 MB": "const s = 'a'.repeat(3e7); for (;;) s.includes('b')",
    "lastIndexOf('b') over 30 MB": "const s = 'a'.repeat(3e7); for (;;) s.lastIndexOf('b')",
    'startsWith of a 10 MB needle': "const s = 'a'.repeat(1e7), t = 'a'.repeat(1e7 - 1) + 'b'; for (;;) s.startsWith(t)",
    'endsWith of a 10 MB needle': "const s = 'a'.repeat(1e7), t = 'b' + 'a'.repeat(1e7 - 1); for (;;) s.endsWith(t)",
  },
  {
    'escape of 4 MB': "const u = 'a'.repeat(4e6); for (;;) escape(u)",
    'unescape of 4 MB': "const u = 'a'.repeat(4e6); for (;;) unescape(u)",
    'encodeURI of 4 MB': "const u = 'a'.repeat(4e6); for (;;) encodeURI(u)",
    'encodeURIComponent of 4 MB': "const u = 'a'.repeat(4e6); for (;;) encodeURIComponent(u)",
    'decodeURI of 4 MB': "const u = 'a'.repeat(4e6); for (;;) decodeURI(u)",
    'decodeURIComponent of 4 MB': "const u = 'a'.repeat(4e6); for (;;) decodeURIComponent(u)",
  },
  {
    'parseFloat of 3e6 digits': "const s = '1'.repeat(3e6); for (;;) parseFloat(s)",
    'Number.parseInt of 3e6 digits': "const s = '1'.repeat(3e6); for (;;) Number.parseInt(s)",
    'new RegExp of a 1 MB source': "const p = 'a'.repeat(1e6); for (;;) new RegExp(p)",
    'RegExp.prototype.compile of a 1 MB source': "const p = 'a'.repeat(1e6), r = /x/; for (;;) r.compile(p)",
    'match with a 1 MB string': "const p = 'a'.repeat(1e6); for (;;) 'b'.match(p)",
  },
  // uncharged before: 6–46 s each (2e4 descriptors: past 12 s)
  {
    'Array.from of 2e5 elements': `${ARRAY} for (;;) Array.from(a)`,
    'values().toArray() of 2e5 elements': `${ARRAY} for (;;) a.values().toArray()`,
    'Array.from of a Set of 2e5': `${ARRAY} const s = new Set(a); for (;;) Array.from(s)`,
    'Set union of 2e5': `${ARRAY} const s = new Set(a); for (;;) s.union(s)`,
    'Object.isFrozen of a frozen 2e5-element array': `${ARRAY} Object.freeze(a); for (;;) Object.isFrozen(a)`,
  },
  {
    'Object.isSealed of a sealed object of 2e5 keys': `${KEYS} Object.seal(o); for (;;) Object.isSealed(o)`,
    'Object.freeze of a frozen object of 2e5 keys': `${KEYS} Object.freeze(o); for (;;) Object.freeze(o)`,
    'Object.getOwnPropertyDescriptors of 2e4 elements': `${SMALL_ARRAY} for (;;) Object.getOwnPropertyDescriptors(a)`,
    'Object.defineProperties of 2e4 descriptors': `${SMALL_ARRAY} const D = Object.getOwnPropertyDescriptors(a); for (;;) Object.defineProperties({}, D)`,
    'Object.create with 2e4 descriptors': `${SMALL_ARRAY} const D = Object.getOwnPropertyDescriptors(a); for (;;) Object.create(null, D)`,
  },
  // a typed array made from an array-like object reads it element by element, with no tick,
  // charged by the array made (before: 5-13.5 s of 1 s; the length stays under the 4 MiB growth
  // whose first touch the deadline check foresees)
  {
    'Uint8Array from an array-like of 3e6': 'const o = { length: 3e6 }; for (;;) new Uint8Array(o)',
    'a Uint8Array subclass from an array-like of 3e6': 'class B extends Uint8Array {} const o = { length: 3e6, 0: 1 }; for (;;) new B(o)',
  },
  // what flat and flatMap walk in the arrays they flatten, holes too (nothing is built, so no
  // heap growth meets the deadline either); before: 11-19 s of a 500 ms limit
  {
    'flat of an array of 4e6 holes': 'const b = [Array(4e6)]; for (;;) b.flat()',
    'flatMap to an array of 4e6 holes': 'const h = Array(4e6); for (;;) [1].flatMap(() => h)',
    'flat(2) of 4e6 holes two levels down': 'const b = [[Array(4e6)]]; for (;;) b.flat(2)',
  },
]

describe('loops of whole-input builtins stop at the time limit (inline)', () => {
  for (const loops of LOOPS) {
    it(`${Object.keys(loops).join(', ')}: timeout within ${BOUND} ms of a ${LIMIT} ms limit`, async () => {
      const outcomes = await runInline([...Object.values(loops), '[new Uint8Array([3, 1, 2]).sort().join(), JSON.stringify([1])].join()'], {
        timeoutMs: LIMIT,
      })
      for (const [k, name] of Object.keys(loops).entries()) {
        const o = outcomes[k] as Outcome
        expect(o.error, name).toMatchObject({ name: 'LimitExceededError', limit: 'timeout' })
        expect(o.ms, name).toBeLessThan(BOUND)
      }
      expect(outcomes.at(-1)?.value).toBe('1,2,3,[1]')
    }, 60_000)
  }
})
