import { SecurityManager } from '@polyhost/security'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { describeIssue } from './bridge-call.js'
import { BridgeRegistry, defineBridge } from './bridges.js'
import { BridgeError } from './errors.js'
import { open, kvBridge, bridgeError } from '../test/fixtures/kv-bridge.js'

describe('defineBridge', () => {
  const handler = () => null
  it.each([
    [{ name: 'my-kv', methods: { get: { args: [], handler } } }, 'name must be an identifier'],
    [{ name: 'print', methods: { get: { args: [], handler } } }, 'name is reserved'],
    [{ name: 'Array', methods: { get: { args: [], handler } } }, 'name is reserved'],
    [{ name: 'kv', methods: {} }, 'at least one method is required'],
    [{ name: 'kv', methods: null }, 'methods must be an object'],
    [{ name: 'kv', methods: { 'get-x': { args: [], handler } } }, "method name 'get-x' must be an identifier"],
    [{ name: 'kv', methods: { constructor: { args: [], handler } } }, "method name 'constructor' is reserved"],
    [{ name: 'kv', methods: { get: { args: [] } } }, "method 'get' needs a handler function"],
    [{ name: 'kv', methods: { get: { args: z.string(), handler } } }, "method 'get': args must be an array of zod schemas"],
    [{ name: 'kv', methods: { get: { args: [z.string(), 'string'], handler } } }, "method 'get': args[1] is not a zod schema"],
    [{ name: 'kv', methods: { get: { args: [], returns: {}, handler } } }, "method 'get': returns is not a zod schema"],
    [{ name: 'kv', description: 5, methods: { get: { args: [], handler } } }, 'description must be a string'],
  ])('rejects a malformed definition: %#', (def, message) => {
    const e = bridgeError(() => defineBridge(def as never))
    expect(e.message).toContain(message)
    expect(e.message).toMatch(/^invalid bridge '/)
  })

  // a bridge is a global in every engine: a name one language cannot write is no name at all
  it.each([
    ...['let', 'function', 'arguments', 'yield', 'await', 'static', 'enum', 'null', 'this'].map((n) => [n, 'JavaScript'] as const),
    ...['end', 'nil', 'local', 'then', 'elseif', 'until', 'repeat', 'goto', 'and', 'not', 'or'].map((n) => [n, 'Lua'] as const),
  ])("refuses '%s', a reserved word in %s", (name, language) => {
    const e = bridgeError(() => defineBridge({ name, methods: { get: { args: [], handler } } }))
    expect(e.message).toBe(
      `invalid bridge '${name}': ${language === 'Lua' ? 'name is a Lua keyword' : 'name is a reserved word in JavaScript'}: scripts could not write it`,
    )
    expect(() => new BridgeRegistry().register({ name, methods: { get: { args: [], handler } } } as never)).toThrow(BridgeError)
  })

  it('accepts names that only contain or resemble reserved words', () => {
    for (const name of ['ends', 'letter', 'nil_', 'Function_', 'local2', 'End']) {
      expect(defineBridge({ name, methods: { get: { args: [], handler } } }).name).toBe(name)
    }
  })

  it('rejects a non-object', () => {
    expect(bridgeError(() => defineBridge(null as never)).message).toBe('invalid bridge: expected an object')
  })

  it('returns the definition', () => {
    const def = kvBridge()
    expect(def.name).toBe('kv')
    expect(Object.keys(def.methods)).toEqual(['get', 'set'])
  })
})

describe('BridgeRegistry', () => {
  it('registers, lists, gets, resolves and unregisters, bumping the version each time', () => {
    const r = new BridgeRegistry()
    expect(r.version).toBe(0)
    r.register(kvBridge())
    expect(r.version).toBe(1)
    expect(r.list().map((b) => b.name)).toEqual(['kv'])
    expect(r.get('kv')?.name).toBe('kv')
    expect(r.resolve('kv.get')).toBeDefined()
    expect(r.resolve('kv.nope')).toBeUndefined()
    expect(r.resolve('kv.toString')).toBeUndefined()
    expect(r.resolve('kvx')).toBeUndefined()
    expect(r.unregister('kv')).toBe(true)
    expect(r.version).toBe(2)
    expect(r.unregister('kv')).toBe(false)
    expect(r.version).toBe(2)
  })

  it('resolves nothing for a path without a method, even if a shorter bridge name matches', () => {
    const r = new BridgeRegistry()
    r.register(defineBridge({ name: 'k', methods: { kx: { args: [], handler: () => 1 } } }))
    expect(r.resolve('kx')).toBeUndefined()
  })

  it('refuses a duplicate name', () => {
    const r = new BridgeRegistry()
    r.register(kvBridge())
    expect(bridgeError(() => r.register(kvBridge())).message).toBe("bridge 'kv' is already registered")
    expect(r.version).toBe(1)
  })

  it('validates definitions that skipped defineBridge', () => {
    const r = new BridgeRegistry()
    expect(() => r.register({ name: 'x', methods: { a: { args: [] } } } as never)).toThrow(BridgeError)
    expect(r.version).toBe(0)
  })

  it('visible() applies the allowlist, sorts by path and follows registry and policy changes', () => {
    const r = new BridgeRegistry()
    r.register(kvBridge())
    r.register(defineBridge({ name: 'http', methods: { get: { args: [], handler: () => 1 }, post: { args: [], handler: () => 1 } } }))
    const policy = SecurityManager.resolve({ bridges: { allow: ['kv.*', 'http.get'] } })
    expect(r.visible(policy).map((m) => m.path)).toEqual(['http.get', 'kv.get', 'kv.set'])
    expect(r.visible(open).map((m) => m.path)).toEqual(['http.get', 'http.post', 'kv.get', 'kv.set'])
    const first = r.visible(policy)
    expect(r.visible(policy)).toBe(first)
    r.unregister('http')
    expect(r.visible(policy).map((m) => m.path)).toEqual(['kv.get', 'kv.set'])
    const m = r.visible(policy)[0]
    expect([m?.bridge, m?.method, typeof m?.definition.handler]).toEqual(['kv', 'get', 'function'])
  })
})

it('describeIssue handles an empty error', () => {
  expect(describeIssue('x', new z.ZodError([]), 1)).toBe('x: invalid')
})
