import { PolicyError } from '@polyhost/security'
import { describe, expect, it, vi } from 'vitest'
import type { EnginePlugin } from './contracts.js'
import { ClosedError } from './errors.js'
import { createHost } from './host.js'
import { fakeEngine, deferred, hostsOfTest } from '../test/fixtures/fake-engine-host.js'

const { make, track } = hostsOfTest()

describe('setPolicy', () => {
  it('replaces the policy seen by engines and compiles again under the new fingerprint', async () => {
    const { host, a } = await make()
    const script = await host.compile({ language: 'alpha', source: 'v' })
    await host.execute({ language: 'alpha', source: 'v' })
    expect(a.compiles).toHaveLength(1)
    const before = host.security.fingerprint
    host.setPolicy('strict')
    expect(host.security.fingerprint).not.toBe(before)
    expect(a.env?.security).toBe(host.security)
    expect(a.env?.security.policy.preset).toBe('strict')
    await host.execute({ language: 'alpha', source: 'v' })
    expect(a.compiles).toHaveLength(2)
    await script.run()
    expect(a.compiles).toHaveLength(2) // shares the new cache entry
    expect(a.requests.at(-1)?.execution.limits.timeoutMs).toBe(1000)
  })

  it('keeps host limits over the new preset, and refuses a bad policy without changing anything', async () => {
    const { host } = await make({}, { limits: { timeoutMs: 7000 } })
    host.setPolicy('strict')
    expect(host.security.policy.limits.timeoutMs).toBe(7000)
    const current = host.security
    expect(() => host.setPolicy({ preset: 'strict', libraries: { allow: ['eval'] } })).toThrow(PolicyError)
    expect(host.security).toBe(current)
  })
})

describe('lifecycle', () => {
  it('close waits for running work, then closes each engine once', async () => {
    const gate = deferred()
    const { host, a, b } = await make({
      slow: async (req) => {
        await gate.promise
        return req.execution.result('done')
      },
    })
    const running = host.execute({ language: 'alpha', source: 'slow' })
    await vi.waitFor(() => expect(a.requests).toHaveLength(1))
    expect(host.stats().running).toBe(1)
    let closed = false
    const closing = host.close().then(() => (closed = true))
    await new Promise((r) => setTimeout(r, 5))
    expect(closed).toBe(false)
    expect(a.closes).toBe(0)
    gate.resolve()
    await expect(running).resolves.toMatchObject({ value: 'done' })
    await closing
    await host.close()
    expect([a.closes, b.closes]).toEqual([1, 1])
  })

  it('close waits for an execution still compiling', async () => {
    const gate = deferred()
    const a = fakeEngine('alpha')
    const slowCompile: EnginePlugin = {
      ...a.plugin,
      create: async (env) => {
        const e = await a.plugin.create(env)
        return {
          ...e,
          compile: async (src) => {
            await gate.promise
            return e.compile(src)
          },
        }
      },
    }
    const host = track(await createHost({ engines: [slowCompile] }))
    const running = host.execute({ language: 'alpha', source: 'v' })
    const closing = host.close()
    gate.resolve()
    await expect(running).resolves.toMatchObject({ value: 'v' })
    await closing
    expect(a.record.closes).toBe(1)
  })

  it('everything after close throws ClosedError', async () => {
    const { host } = await make()
    const script = await host.compile({ language: 'alpha', source: 'v' })
    expect(host.closed).toBe(false)
    const closing = host.close()
    expect(host.closed).toBe(true)
    await closing
    await expect(host.execute({ language: 'alpha', source: 'v' })).rejects.toBeInstanceOf(ClosedError)
    await expect(host.compile({ language: 'alpha', source: 'v' })).rejects.toBeInstanceOf(ClosedError)
    await expect(script.run()).rejects.toBeInstanceOf(ClosedError)
    await expect(host.executeFile('x.alpha')).rejects.toBeInstanceOf(ClosedError)
    expect(() => host.setPolicy('strict')).toThrow(ClosedError)
    expect(host.stats().cache.size).toBe(0)
  })

  it('logs an engine that fails to close instead of failing the close', async () => {
    const a = fakeEngine('alpha')
    const error = vi.fn()
    const failing: EnginePlugin = {
      ...a.plugin,
      create: async (env) => ({ ...(await a.plugin.create(env)), close: () => Promise.reject(new Error('leak')) }),
    }
    const h = await createHost({ engines: [failing], logger: { debug() {}, warn() {}, error } })
    await h.close()
    expect(error).toHaveBeenCalledWith("engine 'alpha' failed to close", expect.objectContaining({ message: 'leak' }))
  })

  it('supports await using', async () => {
    const a = fakeEngine('alpha')
    {
      await using h = await createHost({ engines: [a.plugin] })
      expect(h.stats().executions).toBe(0)
    }
    expect(a.record.closes).toBe(1)
  })
})
