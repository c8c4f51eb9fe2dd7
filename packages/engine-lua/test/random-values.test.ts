import { createHost, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'

// the engines share one generator of host values and its canonical form (engine-js's test
// modules, loaded by path: they are outside this package's TypeScript root)
const SHARED = '../../engine-js/test/'
const { randomValues } = (await import(/* @vite-ignore */ `${SHARED}random-values.ts`)) as {
  randomValues: (seed: number, options: { maxDepth: number; refused: boolean; exotic: boolean }) => () => unknown
}
const { canon, Refused } = (await import(/* @vite-ignore */ `${SHARED}value-model.ts`)) as {
  canon: (x: unknown) => unknown
  Refused: new (path: string) => Error
}

// Random host values through `globals: { x }` and `return x`, inline and in workers, against
// the README's mapping applied here: nil for null/undefined (a nil in an object drops its key,
// nulls of an array are holes and come back as null), integers of ±(2^53 − 1) and floats as
// they were, a BigInt in that range as its number, bytes as a Lua string (valid UTF-8 comes
// back as a string), a Date as its ISO string made a Date again, a Map with string keys as an
// object, an empty object as {}; refused: an array with own properties past its elements, a lone surrogate, a BigInt outside the range, an
// symbols, Sets, other typed arrays, class instances, cycles, nesting too deep.

const COUNT = Number(process.env.POLYHOST_FUZZ_COUNT ?? 150)
const SEEDS = process.env.POLYHOST_FUZZ_SEED ? process.env.POLYHOST_FUZZ_SEED.split(',').map(Number) : [1, 2]
const MAX_DEPTH = 64
const LONE = /\p{Surrogate}/u
const UTF8 = new TextDecoder('utf-8', { fatal: true })

function model(root: unknown): unknown {
  const ancestors: object[] = []
  const walk = (v: unknown, path: string): unknown => {
    switch (typeof v) {
      case 'undefined':
        return null
      case 'string':
        if (LONE.test(v)) throw new Refused(path)
        return v
      case 'bigint':
        if (v > 2n ** 53n - 1n || v < -(2n ** 53n) + 1n) throw new Refused(path)
        return Number(v)
      case 'symbol':
      case 'function':
        throw new Refused(path)
    }
    if (v === null || typeof v !== 'object') return v
    const proto = Object.getPrototypeOf(v)
    // its ISO string ('Invalid Date' for an invalid one), made a Date again when it comes back unchanged
    if (proto === Date.prototype) return new Date((v as Date).getTime())
    if (proto === Uint8Array.prototype || proto === ArrayBuffer.prototype) {
      const bytes = new Uint8Array(v instanceof ArrayBuffer ? v.slice(0) : (v as Uint8Array).slice())
      try {
        return UTF8.decode(bytes)
      } catch {
        return bytes
      }
    }
    const isMap = proto === Map.prototype
    const entries: [unknown, unknown][] = Array.isArray(v)
      ? []
      : isMap
        ? [...(v as Map<unknown, unknown>)]
        : Object.keys(v).map((k) => [k, (v as Record<string, unknown>)[k]])
    if (isMap) for (const [k] of entries) if (typeof k !== 'string') throw new Refused(`${path}.${String(k)}`)
    if (!Array.isArray(v) && !isMap && proto !== Object.prototype && proto !== null) throw new Refused(path)
    if (ancestors.includes(v) || ancestors.length >= MAX_DEPTH) throw new Refused(path)
    ancestors.push(v)
    let out: unknown
    if (Array.isArray(v)) {
      if (proto !== Array.prototype) throw new Refused(path)
      // own properties past the elements are refused: a sequence table has no place for them
      if (Object.keys(v).some((k) => String(Number(k) >>> 0) !== k || Number(k) >= v.length)) throw new Refused(path)
      out = Array.from({ length: v.length }, (_, i) => walk(v[i], `${path}[${i}]`))
    } else {
      const o: Record<string, unknown> = {}
      for (const [k, x] of entries) {
        if (LONE.test(k as string)) throw new Refused(`${path}.${k}`)
        const y = walk(x, `${path}.${k}`)
        if (y !== null) Object.defineProperty(o, k as string, { value: y, enumerable: true, configurable: true, writable: true })
      }
      out = o
    }
    ancestors.pop()
    return out
  }
  return walk(root, '$.x')
}

/** canon with object keys sorted: a Lua table has no key order. */
const sorted = (c: unknown): unknown =>
  Array.isArray(c)
    ? c[0] === 'object' || c[0] === 'null-prototype'
      ? ['object', (c[1] as [string, unknown][]).map(([k, y]): [string, unknown] => [k, sorted(y)]).sort((a, b) => (a[0] < b[0] ? -1 : 1))]
      : c.map(sorted)
    : c

const hosts: Record<string, Host> = {}
beforeAll(async () => {
  hosts.inline = await createHost({ engines: [luaEngine()], limits: { timeoutMs: 20_000 } })
  hosts.worker = await createHost({ engines: [luaEngine()], limits: { timeoutMs: 20_000 }, isolation: 'worker', workers: 1 })
}, 60_000)
afterAll(async () => {
  for (const h of Object.values(hosts)) await h.close()
})

describe.each(['inline', 'worker'])('random host values through a Lua script and back (%s)', (isolation) => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: ${COUNT} values`, async () => {
      const next = randomValues(seed, { maxDepth: MAX_DEPTH, refused: true, exotic: false })
      const failures: unknown[] = []
      for (let i = 0; i < COUNT; i++) {
        const x = next()
        let want: unknown
        try {
          want = { value: sorted(canon(model(x))) }
        } catch (e) {
          if (!(e instanceof Refused)) throw e
          want = { error: true }
        }
        const have = await (hosts[isolation] as Host).execute({ language: 'lua', source: 'return x', globals: { x } }).then(
          (r) => ({ value: sorted(canon(r.value)) }),
          (e: Error) => (e.name === 'ConversionError' ? { error: true } : { value: ['threw', e.name, e.message.slice(0, 200)] }),
        )
        const [w, h] = [JSON.stringify(want), JSON.stringify(have)]
        if (w !== h) failures.push({ i, want: w.slice(0, 500), have: h.slice(0, 500) })
      }
      expect(failures.slice(0, 5)).toEqual([])
    }, 600_000)
  }
})
