import { BridgeError, createHost, type Host, LimitExceededError } from '@polyhost/core'
import { RESULT_FUNCTION_REFUSED } from '@polyhost/core/engine'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'

// Host functions passed in `globals` (or inside values) are metered exactly like bridge
// methods: each call counts against bridgeCalls and is refused once the execution is over.

let host: Host
beforeAll(async () => {
  host = await createHost({ engines: [luaEngine()], policy: 'strict', pool: { min: 1, max: 1 } })
})
afterAll(() => host.close())

describe('host functions in globals', () => {
  it('count against bridgeCalls: 5,001 calls under strict stop at the limit', async () => {
    let calls = 0
    const f = () => ++calls
    const max = host.security.policy.limits.bridgeCalls as number
    expect(max).toBeLessThan(5_001)
    const e = await host
      .execute({ language: 'lua', source: 'for i = 1, 5001 do f() end return 1', globals: { f } })
      .catch((x: unknown) => x)
    expect(e).toBeInstanceOf(LimitExceededError)
    expect(e).toMatchObject({ limit: 'bridgeCalls', used: max + 1, max })
    expect(calls).toBe(max)
  })

  it('are counted in stats, nested ones too, and a pcall cannot swallow the limit', async () => {
    const r = await host.execute({
      language: 'lua',
      source: 'return f(1), t.g(2)',
      globals: { f: (x: number) => x + 1, t: { g: (x: number) => x * 10 } },
    })
    expect(r.values).toEqual([2, 20])
    expect(r.stats.bridgeCalls).toBe(2)
    const e = await host
      .execute({ language: 'lua', source: 'for i = 1, 5001 do pcall(f) end return 1', globals: { f: () => 1 } })
      .catch((x: unknown) => x)
    expect(e).toMatchObject({ name: 'LimitExceededError', limit: 'bridgeCalls' })
  })

  it('are refused once the execution is over (a host function overran the deadline)', async () => {
    let calls = 0
    const slow = () => {
      calls++
      const until = performance.now() + 300
      while (performance.now() < until) {}
      return 1
    }
    const e = await host
      .execute({ language: 'lua', source: 'slow() slow() return 1', globals: { slow }, limits: { timeoutMs: 100 } })
      .catch((x: unknown) => x)
    expect(e).toMatchObject({ name: 'LimitExceededError', limit: 'timeout' })
    expect(calls).toBe(1)
  })

  it('run only inside the execution that received them', async () => {
    let calls = 0
    const leak = await host.execute({
      language: 'lua',
      source: 'local ok = pcall(function() string.keep = f end) return ok',
      globals: { f: () => ++calls },
    })
    expect(leak.value).toBe(false) // strict: libraries are read-only, nothing to keep it in
    const next = await host.execute({ language: 'lua', source: 'return type(string.keep), type(f)' })
    expect(next.values).toEqual(['nil', 'nil'])
    expect(calls).toBe(0)
  })

  it('return data only: a function in the result is the BridgeError the JavaScript engine gives', async () => {
    const globals = { maker: () => ({ inner: () => 1 }) }
    const text = `maker: invalid return value: $.inner: ${RESULT_FUNCTION_REFUSED}`
    const e = await host.execute({ language: 'lua', source: 'return maker()', globals }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(BridgeError)
    expect(e).toMatchObject({ code: 'E_BRIDGE', path: 'maker', message: text })
    const caught = await host.execute({ language: 'lua', source: 'local ok, m = pcall(maker) return m', globals })
    expect(caught.value).toBe(text)
  })

  it("take data only: a Lua function as an argument is the call's BridgeError", async () => {
    const globals = { f: (x: unknown) => x }
    const e = await host.execute({ language: 'lua', source: 'return f(1, print)', globals }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(BridgeError)
    expect(e).toMatchObject({ path: 'f', message: 'f: argument 2: $: cannot convert a Lua function to a host value' })
  })
})
