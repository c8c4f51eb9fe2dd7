import { seededRandom } from '@polyhost/core/engine'
import { KEYS } from './random-values.js'

// A seeded generator of JavaScript expressions that make values inside the guest: literals
// both engines read alike (QuickJS and V8), and the shapes the value model has rules for
// (holes, arrays with a larger length or own properties, getters, non-enumerable keys,
// null-prototype objects, class instances, Errors, Dates, bytes, Maps, Sets, symbols).

const NUMBERS = [
  '0',
  '-0',
  '1',
  '-1',
  '0.5',
  'NaN',
  '1/0',
  '-1/0',
  '2**53-1',
  '2**53+1',
  '-(2**53)',
  '5e-324',
  '1e21',
  '1e-7',
  '0.1+0.2',
  '2**31',
  '-(2**32)',
  '1.7976931348623157e308',
  '123456789.125',
]
const STRINGS = [
  "''",
  "'a'",
  "'\\0'",
  "'a\\u0000b'",
  "'\\ud800'",
  "'x\\udc00y'",
  "'\\udbff\\udfff'",
  "'\\u{1F600}'",
  "'é'",
  "'\\u2028'",
  "'__proto__'",
  "'-0'",
  "'x'.repeat(70000)",
  "'\\u{1F600}'.repeat(5000)",
  "'a\\0'.repeat(3000)",
]

export interface RandomSourceOptions {
  /** Whether to make what must be refused (class instances, Errors, Sets, symbols, functions...). */
  readonly refused: boolean
}

/** A generator of random guest expressions from `seed`. */
export function randomSources(seed: number, options: RandomSourceOptions): () => string {
  const rnd = seededRandom(seed)
  const int = (n: number) => Math.floor(rnd() * n)
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T
  const chance = (p: number) => rnd() < p
  const key = () => JSON.stringify(pick(KEYS))

  const leaf = (): string => {
    switch (int(9)) {
      case 0:
      case 1:
        return pick(NUMBERS)
      case 2:
        return String(int(2000) - 1000)
      case 3:
      case 4:
        return chance(0.2) ? JSON.stringify(String.fromCharCode(int(0x10000), int(0x10000))) : pick(STRINGS)
      case 5:
        return pick(['true', 'false', 'null', 'undefined', 'void 0'])
      case 6:
        return pick(['0n', '-1n', '2n**64n', '-(2n**70n)+3n', 'BigInt(2**53)'])
      case 7:
        return pick(['new Date(0)', 'new Date(-1)', 'new Date(8.64e15)', 'new Date(NaN)', 'new Date(1.5)'])
      default:
        return pick(['new Uint8Array([1, 255, 0])', 'new Uint8Array(0)', 'new Uint8Array([9, 8, 7]).subarray(1)', 'new ArrayBuffer(3)'])
    }
  }
  const refusedLeaf = (): string =>
    pick([
      'Symbol("s")',
      'new Set([1])',
      'new Int16Array(2)',
      'new (class K { a = 1 })()',
      'new Error("e")',
      'new TypeError("t")',
      '/re/g',
      '() => 1',
      'new Map([[1, 2]])',
      'new Boolean(false)',
      'new Number(-0)',
      'new String("s")',
      'new DataView(new ArrayBuffer(2))',
      'Object.assign(new Date(0), { x: 1 })',
      'Object.assign(new Map(), { x: 1 })',
      '(() => { class A extends Array {} return A.from([1]) })()',
      'new WeakMap()',
      'Math',
      'globalThis',
    ])

  const value = (depth: number): string => {
    if (options.refused && chance(0.01)) return refusedLeaf()
    if (depth <= 0 || chance(0.45)) return leaf()
    return container(depth - 1)
  }
  const items = (depth: number) => Array.from({ length: int(5) }, () => value(depth))
  const props = (depth: number) => Array.from({ length: int(5) }, () => `${key()}: ${value(depth)}`)
  const container = (depth: number): string => {
    switch (int(12)) {
      case 0:
      case 1:
        return `[${items(depth).join(', ')}]`
      case 2:
        // holes
        return `[${items(depth)
          .map((x) => (chance(0.4) ? '' : x))
          .join(', ')}${chance(0.5) ? ',' : ''}]`
      case 3:
        return `(() => { const a = [${items(depth).join(', ')}]; a.length += ${int(4)}; return a })()`
      case 4:
        return `Object.assign([${items(depth).join(', ')}], { ${props(depth).join(', ')} })`
      case 5:
        return `new Map([${Array.from({ length: int(4) }, () => `[${key()}, ${value(depth)}]`).join(', ')}])`
      case 6:
        return `Object.assign(Object.create(null), { ${props(depth).join(', ')} })`
      case 7:
        return `{ ${Array.from({ length: 1 + int(3) }, () => `get ${key()}() { return ${value(depth)} }`).join(', ')}, ${props(depth).join(', ')} }`
      case 8:
        return `Object.defineProperty({ ${props(depth).join(', ')} }, ${key()}, { value: ${value(depth)}, enumerable: ${chance(0.5)} })`
      case 9:
        return `[${items(depth)
          .map((x) => `-(${x})`)
          .join(', ')}]`
      default:
        return `({ ${props(depth).join(', ')} })`
    }
  }
  return () => `(${value(1 + int(4))})`
}
