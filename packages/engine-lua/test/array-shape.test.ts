import { createHost, type Host, InvalidArgumentError } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'

// Host arrays with nulls keep their shape. Default (`nullValue: 'nil'`): nulls are holes in
// Lua, and a table made from a host array comes back as an array of its length (or longer,
// after appends). `nullValue: 'sentinel'`: host null is the global `null`, so `#` and ipairs
// see every element; `null` converts back to host null.

const run = async (host: Host, source: string, globals: Record<string, unknown> = {}) =>
  (await host.execute({ language: 'lua', source, globals })).values

describe('array shape, nulls as nil (default)', () => {
  let host: Host
  beforeAll(async () => {
    host = await createHost({ engines: [luaEngine()], policy: 'standard' })
  })
  afterAll(() => host.close())

  it('a host array with nulls round-trips unchanged, at any depth', async () => {
    expect(await run(host, 'return a', { a: [1, null, 3] })).toEqual([[1, null, 3]])
    expect(await run(host, 'return a', { a: [null, null] })).toEqual([[null, null]])
    expect(await run(host, 'return a', { a: [1, null] })).toEqual([[1, null]])
    expect(await run(host, 'return o', { o: { list: ['x', null, 'z'], n: 1 } })).toEqual([{ list: ['x', null, 'z'], n: 1 }])
  })

  it('edits and appends keep the array shape', async () => {
    const a = [1, null, 3]
    expect(await run(host, 'a[2] = 2 return a', { a })).toEqual([[1, 2, 3]])
    expect(await run(host, 'a[4] = 4 return a', { a })).toEqual([[1, null, 3, 4]])
    expect(await run(host, 'a[3] = nil return a', { a })).toEqual([[1, null, null]])
    expect(await run(host, 'a[1] = nil a[3] = nil return a', { a })).toEqual([[null, null, null]])
    expect(await run(host, 'table.insert(a, 9) return a', { a })).toEqual([[1, null, 3, 9]])
  })

  it('a key that is not an index of the array, or far past it, makes it an object as for any table', async () => {
    expect(await run(host, 'a.x = 1 return a', { a: [1, null, 3] })).toEqual([{ 1: 1, 3: 3, x: 1 }])
    expect(await run(host, 'a[100] = 1 return a', { a: [1, null, 3] })).toEqual([{ 1: 1, 3: 3, 100: 1 }])
  })

  it('in Lua the nulls are holes: ipairs stops at the first, # is a border', async () => {
    const [len, seen, second] = await run(host, 'local n = 0 for _ in ipairs(a) do n = n + 1 end return #a, n, a[2] == nil', {
      a: [1, null, 3],
    })
    expect(len === 1 || len === 3, `#a is a border of {1, nil, 3}: ${String(len)}`).toBe(true)
    expect([seen, second]).toEqual([1, true])
  })

  it('a table the script makes with holes is not an array (nothing remembers a length for it)', async () => {
    expect(await run(host, 'return {1, nil, 3}')).toEqual([{ 1: 1, 3: 3 }])
  })

  it('host functions receive the array with its nulls', async () => {
    let got: unknown
    await run(host, 'f(a)', { a: [1, null, 3], f: (x: unknown) => void (got = x) })
    expect(got).toEqual([1, null, 3])
  })

  it('null is not a global unless the sentinel is asked for', async () => {
    expect(await run(host, 'return null == nil')).toEqual([true])
  })
})

describe("array shape, luaEngine({ nullValue: 'sentinel' })", () => {
  let host: Host
  let worker: Host
  beforeAll(async () => {
    host = await createHost({ engines: [luaEngine({ nullValue: 'sentinel' })], policy: 'standard' })
    worker = await createHost({ engines: [luaEngine({ nullValue: 'sentinel' })], policy: 'standard', isolation: 'worker', workers: 1 })
  })
  afterAll(async () => {
    await Promise.all([host.close(), worker.close()])
  })

  it('host null arrives as the sentinel: # and ipairs see every element', async () => {
    for (const h of [host, worker]) {
      const source = 'local n = 0 for _ in ipairs(a) do n = n + 1 end return #a, n, a[2] == null, type(a[2]), o.x == null'
      expect(await run(h, source, { a: [1, null, 3], o: { x: null } })).toEqual([3, 3, true, 'userdata', true])
    }
  })

  it('the sentinel converts back to null: round trips, script-made tables, results', async () => {
    for (const h of [host, worker]) {
      expect(await run(h, 'return a, o', { a: [1, null, 3], o: { x: null, y: 1 } })).toEqual([[1, null, 3], { x: null, y: 1 }])
      expect(await run(h, 'return {1, null, 3}, null, {k = null}')).toEqual([[1, null, 3], null, { k: null }])
    }
  })

  it('host functions receive null for the sentinel', async () => {
    let got: unknown
    await run(host, 'f({null, 2}, null)', { f: (...x: unknown[]) => void (got = x) })
    expect(got).toEqual([[null, 2], null])
  })

  it('the global null is read-only shared state: a script cannot change it for others', async () => {
    await run(host, 'null = 5')
    expect(await run(host, 'return type(null)')).toEqual(['userdata'])
  })

  it('an unknown nullValue is an InvalidArgumentError', async () => {
    const bad = luaEngine({ nullValue: 'none' as 'nil' })
    await expect(createHost({ engines: [bad] })).rejects.toBeInstanceOf(InvalidArgumentError)
  })
})
