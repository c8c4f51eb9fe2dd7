import debugVariant from '@jitl/quickjs-wasmfile-debug-sync'
import { createHost, defineBridge, type Host } from '@polyhost/core'
import type { QuickJSSyncVariant } from 'quickjs-emscripten-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { compileWasm, jsEngine } from '../src/index.js'

// The debug build asserts on objects still alive when a runtime is freed and has a leak
// checker; every state is destroyed at close (or after a trip), so any handle the engine
// forgot to dispose shows up in `leaks`.
const leaks: string[] = []
let host: Host

const debugEngine = () =>
  jsEngine({
    variant: debugVariant as unknown as QuickJSSyncVariant,
    wasmModule: () => compileWasm('@jitl/quickjs-wasmfile-debug-sync/wasm'),
    onLeak: (m) => leaks.push(m),
    // the leak sanitizer allocates inside the same heap
    heapReserveBytes: 1 << 30,
  })
const DEBUG_LIMITS = { timeoutMs: 60_000, memoryBytes: false } as const

beforeAll(async () => {
  // a release state first: it shows the discovery of intrinsics needs no factory calls for
  // this QuickJS, which the debug build would take ~30 s to show again (see guest-intrinsics)
  await (await createHost({ engines: [jsEngine()], pool: { min: 1, max: 1 } })).close()
  host = await createHost({ engines: [debugEngine()], pool: { min: 1, max: 2, maxUses: 3 }, limits: DEBUG_LIMITS })
  host.bridges.register(
    defineBridge({
      name: 'kv',
      methods: {
        echo: { args: [z.any()], handler: (_ctx, v) => v },
        later: { args: [z.any()], handler: async (_ctx, v) => v },
        fail: { args: [], handler: () => Promise.reject(new Error('no')) },
      },
    }),
  )
  host.modules.register({ name: 'util', language: 'js', source: 'export default (x) => x * 2' })
}, 60_000)
afterAll(async () => {
  await host.close()
  expect(leaks).toEqual([])
})

const value = {
  n: 1.5,
  big: 2n ** 70n,
  u: undefined,
  bytes: new Uint8Array([1, 2, 3]),
  when: new Date(0),
  list: [1, 'two', null, [NaN, -0]],
  map: new Map([['k', 1]]),
}

describe('debug variant: no leaked handles', { timeout: 120_000 }, () => {
  it('converts every kind of value both ways', async () => {
    const r = await host.execute({ language: 'js', source: 'kv.echo(v)', globals: { v: value, f: (x: number) => x + 1 } })
    expect(r.value).toEqual({ ...value, map: { k: 1 } })
  })

  it('runs async bridges, modules, top-level await and errors', async () => {
    expect((await host.execute({ language: 'js', source: 'import d from "util"\nexport default d(await kv.later(21))' })).value).toBe(42)
    await expect(host.execute({ language: 'js', source: 'await kv.fail()' })).rejects.toThrow(/no/)
    await expect(host.execute({ language: 'js', source: 'null.x' })).rejects.toThrow(/TypeError/)
    await expect(host.execute({ language: 'js', source: 'let (' })).rejects.toThrow(/SyntaxError/)
    expect(
      (await host.execute({ language: 'js', source: 'console.log({a: 1}); f(1)', globals: { f: (x: number) => x + 1 } })).logs,
    ).toHaveLength(1)
  })

  it('trips limits and discards states cleanly', async () => {
    await expect(host.execute({ language: 'js', source: 'while (true) {}', limits: { timeoutMs: 100 } })).rejects.toThrow(/timeout/)
    await expect(host.execute({ language: 'js', source: 'function f() { return f() + 1 } f()' })).rejects.toThrow(/stack/)
    expect((await host.execute({ language: 'js', source: '6 * 7' })).value).toBe(42)
  })

  it('frees what it read when an argument or a result fails to cross', async () => {
    // a throw inside quickjs-emscripten's consume() left its handle behind: every bridge call
    // with a throwing getter leaked a cell, every argument or result that failed its
    // conversion kept an object in the state's heap
    const one = await createHost({ engines: [debugEngine()], pool: { min: 1, max: 1 }, limits: DEBUG_LIMITS })
    one.bridges.register(defineBridge({ name: 'kv', methods: { put: { args: [z.object({ a: z.number() })], handler: (_c, v) => v.a } } }))
    const f = (x: unknown) => x
    const ARGS = [
      '{ get a() { throw new Error("getter") } }',
      '{ a: 1, get b() { throw 1 } }',
      '[{ get a() { throw new Error("nested") } }]',
      'new Proxy({}, { ownKeys() { throw new Error("trap") } })',
      '{ a: 1, toJSON() { return 1 } }',
    ]
    try {
      for (const arg of ARGS) {
        const source = `let n = 0; for (const call of [() => kv.put(${arg}), () => f(${arg})]) try { call() } catch { n++ }; n`
        expect((await one.execute({ language: 'js', source, globals: { f } })).value, arg).toBe(2)
      }
      for (const source of [
        'let o = {}; o.o = o; o',
        '({ a: Symbol() })',
        '[1, () => 1]',
        'new Set([1])',
        '({ get x() { throw new Error("g") } })',
      ])
        await expect(one.execute({ language: 'js', source }), source).rejects.toThrow()
    } finally {
      await one.close()
    }
    expect(leaks).toEqual([])
  })

  it('frees what it made when the guest refuses a host value', async () => {
    // a BigInt past the guest's size limit: its hexadecimal text was left behind when the
    // guest's constructor threw inside quickjs-emscripten's consume()
    const one = await createHost({ engines: [debugEngine()], pool: { min: 1, max: 1 }, limits: DEBUG_LIMITS })
    one.bridges.register(defineBridge({ name: 'kv', methods: { big: { args: [], handler: () => 2n ** 1_100_000n } } }))
    try {
      await expect(one.execute({ language: 'js', source: 'typeof v', globals: { v: [2n ** 1_100_000n] } })).rejects.toThrow(/BigInt/)
      for (const source of ['kv.big()', 'Promise.resolve(1).then(() => kv.big())']) {
        await expect(one.execute({ language: 'js', source }), source).rejects.toThrow(/BigInt/)
      }
    } finally {
      await one.close()
    }
    expect(leaks).toEqual([])
  })

  it('frees compiled expressions evicted from a state and at its end', async () => {
    // one long-lived state runs more distinct expressions than it keeps compiled
    const one = await createHost({ engines: [debugEngine()], pool: { min: 1, max: 1 }, limits: DEBUG_LIMITS })
    try {
      for (let i = 0; i < 80; i++) expect((await one.execute({ language: 'js', source: `n + ${i}`, globals: { n: 1 } })).value).toBe(i + 1)
      expect(one.stats().engines.js?.pool.created).toBe(1)
    } finally {
      await one.close()
    }
    expect(leaks).toEqual([])
  })
})
