import { seededRandom } from '@polyhost/core/engine'

// A seeded generator of host values for differential tests of the value boundary: the edge
// numbers, strings and keys the value model has rules for, every container row (dense,
// sparse and decorated arrays, plain and null-prototype objects, Maps, bytes, Dates) and what
// must be refused (symbols, Sets, other typed arrays, class instances, cycles, too deep).

export const NUMBERS = [
  0,
  -0,
  1,
  -1,
  0.5,
  NaN,
  Infinity,
  -Infinity,
  2 ** 53 - 1,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53) + 1,
  -(2 ** 53),
  5e-324,
  -5e-324,
  Number.MAX_VALUE,
  1e21,
  1e-7,
  2 ** 31,
  2 ** 32,
  0.1 + 0.2,
  123456789.125,
]

export const STRINGS = [
  '',
  'a',
  '\0',
  'a\0b',
  '\uD800',
  'x\uDC00y',
  '\uDBFF\uDFFF',
  '😀',
  'é',
  '\u2028',
  '"\\\n',
  '__proto__',
  'constructor',
  '0',
  '-0',
  '1e3',
  '\x7f\x80\xff',
  '\uFEFF',
]

export const KEYS = [
  'a',
  'b',
  'z',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '0',
  '1',
  '2',
  '10',
  '-0',
  '-1',
  '01',
  '1e3',
  '1.0',
  '1.5',
  '4294967294',
  '4294967295',
  '4294967296',
  '9007199254740993',
  '',
  ' ',
  '\0',
  '\uD800',
  '😀',
  'NaN',
  'length',
]

export class Instance {
  a = 1
}

export interface RandomValueOptions {
  /** maxDepth of the host under test: chains of maxDepth - 1 .. maxDepth + 1 levels are made. */
  readonly maxDepth: number
  /** Whether to make what must be refused (symbols, Sets, class instances, cycles...). */
  readonly refused: boolean
  /** Whether to make Proxies and getters (which a worker's clone refuses or reads). */
  readonly exotic: boolean
}

/** A generator of random host values from `seed`. */
export function randomValues(seed: number, options: RandomValueOptions): () => unknown {
  const rnd = seededRandom(seed)
  const int = (n: number) => Math.floor(rnd() * n)
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T
  const chance = (p: number) => rnd() < p
  let shared: object[] = []

  const longString = () => pick(['ab', '😀', '\0', 'x\uD800']).repeat(1000 + int(40_000))
  const string = (): string => {
    if (chance(0.03)) return longString()
    if (chance(0.5)) return pick(STRINGS)
    let s = ''
    for (let i = int(8); i > 0; i--) s += String.fromCharCode(pick([0x41 + int(26), int(0x80), int(0x10000)]))
    return s
  }
  const leaf = (): unknown => {
    switch (int(10)) {
      case 0:
      case 1:
        return pick(NUMBERS)
      case 2:
        return int(2000) - 1000
      case 3:
      case 4:
        return string()
      case 5:
        return chance(0.5)
      case 6:
        return chance(0.5) ? null : undefined
      case 7:
        return pick([0n, 1n, -1n, 2n ** 64n, -(2n ** 70n) + 3n, 123n])
      case 8:
        return chance(0.5)
          ? new Date(pick([0, -1, 1e15, 8.64e15, NaN, 1.5]))
          : new Uint8Array(Array.from({ length: int(5) }, () => int(256)))
      default:
        return chance(0.7) ? Number((rnd() * 1e6).toFixed(int(4))) : new Uint8Array(new ArrayBuffer(8), 2, int(4)).fill(7).buffer
    }
  }
  const refusedLeaf = (): unknown =>
    pick([
      () => Symbol('s'),
      () => new Set([1]),
      () => new Int16Array(2),
      () => new Float64Array([-0]),
      () => new Instance(),
      () => new Map<unknown, unknown>([[1, 'a']]),
      () => new Error('e'),
      () => /re/g,
    ])()

  const value = (depth: number): unknown => {
    if (options.refused && chance(0.01)) return refusedLeaf()
    if (shared.length && chance(0.05)) return pick(shared)
    if (depth <= 0 || chance(0.45)) return leaf()
    const made = container(depth - 1)
    if (chance(0.3)) shared.push(made)
    return made
  }
  const container = (depth: number): object => {
    const n = int(6)
    switch (int(8)) {
      case 0:
      case 1:
        return Array.from({ length: n }, () => value(depth))
      case 2: {
        // sparse, sometimes with a larger length or own properties past the elements
        const a: unknown[] = []
        for (let i = 0; i < n; i++) if (chance(0.5)) a[int(12)] = value(depth)
        if (chance(0.3)) a.length += int(5)
        if (chance(0.3)) (a as unknown as Record<string, unknown>)[pick(['x', '-1', '1.5', '4294967295'])] = value(depth)
        return a
      }
      case 3: {
        const m = new Map<string, unknown>()
        for (let i = 0; i < n; i++) m.set(pick(KEYS), value(depth))
        return m
      }
      default: {
        const o: Record<string | symbol, unknown> = chance(0.15) ? Object.create(null) : {}
        for (let i = 0; i < n; i++) {
          const k = pick(KEYS)
          const v = value(depth)
          if (Object.getOwnPropertyDescriptor(o, k)) continue
          if (k === '__proto__' || !(chance(0.85) || !options.exotic)) {
            const enumerable = k === '__proto__' || chance(0.5)
            if (!enumerable || !options.exotic) Object.defineProperty(o, k, { value: v, enumerable, configurable: true, writable: true })
            else Object.defineProperty(o, k, { get: () => v, enumerable: true, configurable: true })
          } else o[k] = v
        }
        if (chance(0.1)) o[Symbol('k')] = 1
        if (options.exotic && chance(0.05)) return new Proxy(o, {})
        return o
      }
    }
  }
  const chain = (levels: number): unknown => {
    let v: unknown = leaf()
    for (let i = 0; i < levels; i++) v = chance(0.5) ? [v] : { k: v }
    return v
  }
  return () => {
    shared = []
    if (chance(0.02)) return chain(options.maxDepth - 1 + int(3))
    const v = value(1 + int(4))
    if (options.refused && chance(0.03) && v && typeof v === 'object' && !(v instanceof Date) && !ArrayBuffer.isView(v)) {
      // a cycle through a fresh wrapper
      const w = { v, back: undefined as unknown }
      w.back = [w]
      return w
    }
    return v
  }
}
