import { createHost, defineBridge, type Host, type HostOptions } from '@polyhost/core'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { jsEngine } from '../src/index.js'

let host: Host | undefined
const received: unknown[] = []
async function make(opts: Partial<HostOptions> = {}): Promise<Host> {
  // one state, so every execution reuses the same context
  host = await createHost({ engines: [jsEngine()], pool: { min: 1, max: 1 }, ...opts })
  host.bridges.register(
    defineBridge({
      name: 'kv',
      methods: {
        put: { args: [z.any()], handler: (_ctx, v) => void received.push(v) },
        get: { args: [], handler: () => ({ nested: { list: [1, 2] } }) },
        fail: {
          args: [],
          handler: () => {
            throw new Error('denied')
          },
        },
        later: { args: [z.number()], handler: (_ctx, ms) => new Promise((r) => setTimeout(() => r('late'), ms)) },
      },
    }),
  )
  return host
}
afterEach(async () => {
  await host?.close()
  host = undefined
  received.length = 0
})
const js = async (source: string, extra: Record<string, unknown> = {}) =>
  (await (host as Host).execute({ language: 'js', source, ...extra })).value

describe('nothing of the host is reachable', () => {
  it('bridge functions lead only to guest code', async () => {
    await make()
    const r = await js(`
      const g = kv.get.constructor.constructor('return globalThis')()
      ;[g === globalThis, typeof g.process, typeof g.require, typeof process, typeof require, typeof module]`)
    expect(r).toEqual([true, 'undefined', 'undefined', 'undefined', 'undefined', 'undefined'])
  })

  it('values from bridges are copies without host prototypes', async () => {
    await make()
    const r = await js(`
      const v = kv.get()
      v.nested.list.push(3)
      ;[Object.getPrototypeOf(v) === Object.prototype, v.constructor === Object, v.nested.list.length]`)
    expect(r).toEqual([true, true, 3])
    expect(await js('kv.get().nested.list.length')).toBe(2)
  })

  it('errors from handlers carry no host stack', async () => {
    await make()
    const r = (await js(`try { kv.fail() } catch (e) { [e.message, String(e.stack)] }`)) as string[]
    expect(r[0]).toBe('denied')
    expect(r[1]).not.toMatch(/node_modules|\/work\/|\.ts:/)
  })

  it('strict policy closes every path to dynamic code', async () => {
    await make({ policy: 'strict' })
    const probes = [
      'globalThis.eval',
      'Function',
      '(() => {}).constructor',
      '(async () => {}).constructor',
      '(function* () {}).constructor',
      '(async function* () {}).constructor',
      'kv.get.constructor',
      'Object.getPrototypeOf(async function () {}).constructor',
    ]
    const r = await js(
      `[${probes.map((p) => `(() => { try { const F = ${p}; return typeof F === 'function' ? String(F('return 1')) : 'absent' } catch (e) { return e instanceof TypeError ? 'blocked' : 'other ' + e } })()`).join(',')}]`,
    )
    expect(r).toEqual(['absent', 'blocked', 'blocked', 'blocked', 'blocked', 'blocked', 'blocked', 'blocked'])
    expect(await js('(() => {}) instanceof Function')).toBe(true)
  })

  it('removes host escapes and cross-execution channels', async () => {
    await make()
    expect(await js('[typeof SharedArrayBuffer, typeof Atomics, typeof FinalizationRegistry, typeof WebAssembly]')).toEqual([
      'undefined',
      'undefined',
      'undefined',
      'undefined',
    ])
  })
})

describe('prototype pollution through bridge arguments', () => {
  it('never reaches host prototypes', async () => {
    await make()
    await js(`
      kv.put(JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}'))
      const o = {}; Object.defineProperty(o, '__proto__', { value: { polluted: true }, enumerable: true })
      kv.put(o)
      let refused
      try { kv.put([{ __proto__: { polluted: true } }]) } catch (e) { refused = e.message }
      refused`).then((m) => expect(m).toBe('kv.put: argument 1: $[0]: instance of Object cannot cross to the host'))
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined()
    const first = received[0] as Record<string, unknown>
    expect(Object.getPrototypeOf(first)).toBe(Object.prototype)
    expect(Object.hasOwn(first, '__proto__')).toBe(true)
    expect(Object.getPrototypeOf(received[1])).toBe(Object.prototype)
  })
})

describe('tampering is invisible to the next execution and tenant', () => {
  it('builtins and prototypes cannot be changed', async () => {
    await make()
    const r = await js(`
      const tries = [
        () => { Object.prototype.polluted = 1 },
        () => { Array.prototype.push = () => 0 },
        () => { JSON.parse = () => 0 },
        () => { globalThis.JSON = {} },
        () => { Math.random = () => 4 },
        () => { delete Array.prototype.map },
        () => { context.x = 1 },
        () => { globalThis.context = {} },
      ]
      tries.map((t) => { try { t(); return 'changed' } catch (e) { return 'refused' } })`)
    expect(r).toEqual(Array(8).fill('refused'))
    // the override fix keeps instance-level assignment working
    expect(await js('class A {}; const a = new A(); a.toString = () => "mine"; String(a)')).toBe('mine')
  })

  it('what one execution adds to globalThis is gone in the next', async () => {
    await make()
    await js(`globalThis.secret = 's1'; var v = 1; Object.setPrototypeOf(globalThis, { inherited: 'x' }); 0`, { tenant: 'a' })
    expect(await js('[typeof secret, typeof v, typeof inherited]', { tenant: 'b' })).toEqual(['undefined', 'undefined', 'undefined'])
  })

  it('globals a script shadows or reassigns are back at the baseline in the next execution', async () => {
    await make()
    const r = await js(
      `Object.defineProperty(globalThis, 'JSON', { value: 'mine', configurable: true });
      Object.getPrototypeOf(globalThis).leak = 1;
      n = n + 1;
      [typeof JSON, n, leak]`,
      { globals: { n: 1 }, tenant: 'a' },
    )
    expect(r).toEqual(['string', 2, 1])
    expect(await js('[typeof JSON.parse, typeof leak, typeof n]', { tenant: 'b' })).toEqual(['function', 'undefined', 'undefined'])
    expect(await js('n', { globals: { n: 5 }, tenant: 'b' })).toBe(5)
    // the baseline object under the scope is frozen like every other intrinsic
    expect(await js(`try { Object.getPrototypeOf(globalThis).JSON = 1; 'changed' } catch { typeof JSON.parse }`)).toBe('function')
  })

  it('the compiled function of a one-expression script, reused by later runs, is out of reach', async () => {
    await make()
    const probe = `(function g() { try { return g.caller == null } catch (e) { return true } })()`
    expect(await js(probe, { tenant: 'a' })).toBe(true)
    // the same expression again: the state reuses its compiled function, which nothing could mark
    expect(await js(probe, { tenant: 'b' })).toBe(true)
    expect(await js('typeof globalThis.g', { tenant: 'b' })).toBe('undefined')
  })

  it('a non-deletable global forces a fresh state', async () => {
    await make()
    await js(`Object.defineProperty(globalThis, 'stuck', { value: 'tenant a', configurable: false }); 0`, { tenant: 'a' })
    expect(await js('typeof stuck', { tenant: 'b' })).toBe('undefined')
    await js('Object.preventExtensions(globalThis); 0', { tenant: 'a' })
    expect(await js('globalThis.fine = 1; fine', { tenant: 'b' })).toBe(1)
  })

  it('module state does not carry over', async () => {
    await make()
    ;(host as Host).modules.register({ name: 'counter', language: 'js', source: 'let n = 0; export const bump = () => ++n' })
    expect(await js('import { bump } from "counter"\nbump(); bump()\nexport default bump()', { tenant: 'a' })).toBe(3)
    expect(await js('import { bump } from "counter"\nexport default bump()', { tenant: 'b' })).toBe(1)
  })

  it('a late async result never runs in a later execution', async () => {
    await make()
    await js(`kv.later(30).then((v) => { globalThis.got = v }); 0`, { tenant: 'a' })
    expect(await js(`await kv.later(80); typeof got`, { tenant: 'b' })).toBe('undefined')
  })

  it('jobs left queued by one execution never run in the next', async () => {
    await make()
    // a job that keeps re-queueing: the execution ends (its own jobs are drained first)
    // only through a limit; the state is discarded either way
    await expect(js('function f() { Promise.resolve().then(f) } f(); 0', { limits: { timeoutMs: 200 } })).rejects.toThrow(/limit/)
    expect(await js('1 + 1')).toBe(2)
  })
})
