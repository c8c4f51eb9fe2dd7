import { ConversionError, type CustomType, createHost, defineBridge, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { luaEngine } from '../src/index.js'

/** Values never change silently: colliding keys, and string custom values. */
const tag: CustomType<{ tag: string }, string> = {
  name: 'Tag',
  test: (v) => typeof v === 'object' && v !== null && 'tag' in v,
  toScript: (t) => t.tag,
  fromScript: (s) => ({ tag: s }),
}

let host: Host
beforeAll(async () => {
  host = await createHost({ engines: [luaEngine()], pool: { min: 1, max: 1 } })
  host.converters.register(tag)
  host.bridges.register(defineBridge({ name: 'echo', methods: { back: { args: [z.unknown()], handler: (_ctx, v) => v } } }))
})
afterAll(() => host.close())
const lua = (source: string, globals: Record<string, unknown> = {}) => host.execute({ language: 'lua', source, globals })

describe('Lua tables with a number key and a string key for the same host key', () => {
  it("{[1]='a', ['1']='b', [3]='c'} is a ConversionError naming the key (was: 'a' dropped)", async () => {
    const e = await lua("return {[1]='a', ['1']='b', [3]='c'}").catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ConversionError)
    expect((e as ConversionError).path).toBe('$["1"]')
    expect((e as ConversionError).message).toMatch(/number key 1 and the string key "1"/)
  })

  it('is found in either order, nested, for float keys, and in bridge arguments', async () => {
    const nested = await lua("return { list = { x = 1, ['2.5'] = 'b', [2.5] = 'a' } }").catch((x: unknown) => x)
    expect((nested as ConversionError).path).toBe('$.list["2.5"]')
    const arg = await lua("local ok, e = pcall(echo.back, { ['7'] = 1, [7] = 2 }) return e").then((r) => r.value)
    expect(arg).toMatch(/number key 7 and the string key "7"/)
  })

  it('keeps tables whose keys differ as host keys', async () => {
    expect((await lua("return {[1]='a', ['01']='b', [3]='c', x = 1}")).value).toEqual({ 1: 'a', '01': 'b', 3: 'c', x: 1 })
  })
})

// custom values the script modified come back as plain data: the kit's values.host.custom-type-modified
describe('a string custom value (immutable, interned) is rebuilt while it is the same string', () => {
  it('unchanged or concatenated with nothing it is the custom type; changed it is a plain string', async () => {
    expect((await lua('return t', { t: { tag: 'x' } })).value).toEqual({ tag: 'x' })
    expect((await lua('return t .. ""', { t: { tag: 'x' } })).value).toEqual({ tag: 'x' })
    expect((await lua('return t .. "y"', { t: { tag: 'x' } })).value).toBe('xy')
  })
})
