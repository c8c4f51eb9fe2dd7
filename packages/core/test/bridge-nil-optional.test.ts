// Lua has only nil for "no value", and nil reaches a bridge as null. A parameter declared
// `.optional()` (typed `---@param arg2? string` for Lua) takes an explicit nil as no value, and
// nils past the last parameter are no arguments; a language with `undefined` keeps null and
// undefined apart exactly (a null for `.optional()` is refused).
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { BridgeRegistry, defineBridge } from '../src/bridges.js'
import { bridgeError, execution } from './fixtures/kv-bridge.js'

function registry(): BridgeRegistry {
  const r = new BridgeRegistry()
  r.register(
    defineBridge({
      name: 'kv',
      methods: {
        get: { args: [z.string(), z.string().optional()], handler: (_, key, fallback) => fallback ?? `value of ${key}` },
        nullable: { args: [z.string().nullable().optional()], handler: (_, v) => (v === null ? 'null' : String(v)) },
        seen: { args: [z.string().optional()], handler: (_, ...a: unknown[]) => a.map((v) => (v === undefined ? 'undefined' : v)) },
      },
    }),
  )
  return r
}

describe('bridge arguments: nil and optional parameters', () => {
  it('a nil-only language (Lua) passes nil for an optional parameter, and trailing nils', () => {
    const ex = execution(registry(), { bridgeCalls: false, undefinedValue: false })
    expect(ex.callBridge('kv.get', ['a'])).toBe('value of a')
    expect(ex.callBridge('kv.get', ['a', null])).toBe('value of a')
    expect(ex.callBridge('kv.get', ['a', null, null])).toBe('value of a')
    expect(ex.callBridge('kv.get', ['a', 'fb'])).toBe('fb')
    expect(ex.callBridge('kv.seen', [null])).toEqual(['undefined'])
    // a required parameter still refuses nil; a nullable one keeps it; other extras are refused
    expect(bridgeError(() => ex.callBridge('kv.get', [null])).message).toBe('kv.get: argument 1: expected string, received null')
    expect(ex.callBridge('kv.nullable', [null])).toBe('null')
    expect(bridgeError(() => ex.callBridge('kv.get', ['a', null, 1])).message).toBe('kv.get: expected at most 2 argument(s), received 3')
  })

  it('a language with undefined keeps null apart', () => {
    const ex = execution(registry(), { bridgeCalls: false, undefinedValue: true })
    expect(bridgeError(() => ex.callBridge('kv.get', ['a', null])).message).toBe('kv.get: argument 2: expected string, received null')
    expect(bridgeError(() => ex.callBridge('kv.get', ['a', undefined, null])).message).toBe(
      'kv.get: expected at most 2 argument(s), received 3',
    )
    expect(ex.callBridge('kv.get', ['a', undefined])).toBe('value of a')
    expect(ex.callBridge('kv.nullable', [null])).toBe('null')
  })
})
