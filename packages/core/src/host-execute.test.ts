import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PolicyError } from '@polyhost/security'
import { describe, expect, it } from 'vitest'
import type { ExecutionRequest } from './contracts.js'
import {
  CancelledError,
  ConversionError,
  EngineCrashedError,
  InvalidArgumentError,
  LimitExceededError,
  ScriptSyntaxError,
} from './errors.js'
import { hostsOfTest } from '../test/fixtures/fake-engine-host.js'

const { make } = hostsOfTest()

describe('execute', () => {
  it('passes a frozen copy of context, the tenant and the tightened limits', async () => {
    const { host, a } = await make()
    const context = { tenant: 't1', user: { id: 'u7', roles: ['admin'] } }
    await host.execute({ language: 'alpha', source: 'x', context, globals: { ARGV: [1] }, limits: { timeoutMs: 50 } })
    const req = a.requests[0] as ExecutionRequest
    expect(req.context).toEqual(context)
    expect(req.context).not.toBe(context)
    expect(Object.isFrozen(req.context) && Object.isFrozen(req.context.user)).toBe(true)
    expect(Object.isFrozen(context)).toBe(false)
    expect(req.tenant).toBe('t1')
    expect(req.globals).toEqual({ ARGV: [1] })
    expect(req.execution.limits.timeoutMs).toBe(50)
    expect(req.execution.init.scriptName).toBe('script.alpha')
    await host.execute({ language: 'alpha', source: 'x', context, tenant: 'other' })
    expect(a.requests[1]?.tenant).toBe('other')
    await host.execute({ language: 'alpha', source: 'x', context: { tenant: 5 } })
    expect(a.requests[2]?.tenant).toBeUndefined()
  })

  it('refuses a context that is not plain data, and loosened limits', async () => {
    const { host } = await make()
    await expect(host.execute({ language: 'alpha', source: 'x', context: { f: () => 1 } })).rejects.toThrow('context must be plain data')
    // a context too deep to copy is a ConversionError, as a deep one the engines refuse; a
    // throwing getter is a context that could not be read
    const deep: Record<string, unknown> = {}
    let at = deep
    for (let i = 0; i < 20_000; i++) at = at.a = {}
    const tooDeep = await host.execute({ language: 'alpha', source: 'x', context: deep }).catch((e: unknown) => e)
    expect(tooDeep).toBeInstanceOf(ConversionError)
    expect((tooDeep as Error).message).toContain('nesting deeper than 1000')
    const getter = {
      get x(): never {
        throw new Error('boom')
      },
    }
    const unread = await host.execute({ language: 'alpha', source: 'x', context: getter }).catch((e: unknown) => e)
    expect(unread).toBeInstanceOf(InvalidArgumentError)
    expect((unread as Error).message).toBe('execute: context could not be read (boom)')
    const err = await host.execute({ language: 'alpha', source: 'x', limits: { timeoutMs: 10 ** 9 } }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(PolicyError)
    expect((err as PolicyError).field).toBe('limits.timeoutMs')
  })

  it('reports a cache hit only to a tenant that compiled or ran the script before, still compiling once', async () => {
    const { host, a } = await make()
    const hit = async (tenant?: string) => (await host.execute({ language: 'alpha', source: 'secret', tenant })).stats.compileCacheHit
    expect(await hit('A')).toBe(false)
    // B learns nothing of A's script; the compiled form is shared all the same
    expect([await hit('B'), await hit('B'), await hit('A'), await hit(), await hit()]).toEqual([false, true, true, false, true])
    expect(a.compiles).toHaveLength(1)
  })

  it('reports cache hits and counts executions, failures and limit trips', async () => {
    const { host } = await make({
      trip: (req) => {
        throw req.execution.trip('instructions', 11)
      },
      boom: () => {
        throw new TypeError('engine bug')
      },
    })
    const first = await host.execute({ language: 'alpha', source: 'x' })
    const second = await host.execute({ language: 'alpha', source: 'x' })
    expect([first.stats.compileCacheHit, second.stats.compileCacheHit]).toEqual([false, true])
    expect(second.stats.engine).toBe('alpha')
    await expect(host.execute({ language: 'alpha', source: 'trip' })).rejects.toBeInstanceOf(LimitExceededError)
    const crash = await host.execute({ language: 'alpha', source: 'boom' }).catch((e: unknown) => e)
    expect(crash).toBeInstanceOf(EngineCrashedError)
    expect((crash as Error).message).toBe("engine 'alpha' failed: engine bug")
    // a script that does not compile is a failed execution, also when the error comes from the cache
    await expect(host.execute({ language: 'alpha', source: 'syntax error' })).rejects.toBeInstanceOf(ScriptSyntaxError)
    await expect(host.execute({ language: 'alpha', source: 'syntax error' })).rejects.toBeInstanceOf(ScriptSyntaxError)
    const s = host.stats()
    expect(s).toMatchObject({ executions: 6, failures: 4, running: 0 })
    expect(s.limitTrips.instructions).toBe(1)
    expect(s.limitTrips.timeout).toBe(0)
    expect(s.cache).toMatchObject({ hits: 2, misses: 4 })
    expect(s.engines.alpha).toMatchObject({ id: 'alpha' })
  })

  it('the recorded fatal error wins over what the engine threw or returned', async () => {
    const { host } = await make({
      masked: (req) => {
        req.execution.trip('memory', 2)
        throw new Error('some later failure')
      },
      swallowed: (req) => {
        req.execution.trip('stack', 2)
        return { value: 1, values: [1], logs: [], stats: {} as never }
      },
    })
    await expect(host.execute({ language: 'alpha', source: 'masked' })).rejects.toMatchObject({ limit: 'memory' })
    await expect(host.execute({ language: 'alpha', source: 'swallowed' })).rejects.toMatchObject({ limit: 'stack' })
    expect(host.stats().limitTrips).toMatchObject({ memory: 1, stack: 1 })
  })

  it('a timeout ends a script that waits forever; a caller abort cancels it', async () => {
    const { host } = await make({ hang: (req) => req.execution.race(new Promise<never>(() => {})) })
    const err = await host.execute({ language: 'alpha', source: 'hang', limits: { timeoutMs: 20 } }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(LimitExceededError)
    expect(err).toMatchObject({ limit: 'timeout', max: 20 })
    const ac = new AbortController()
    const running = host.execute({ language: 'alpha', source: 'hang', signal: ac.signal })
    ac.abort()
    await expect(running).rejects.toBeInstanceOf(CancelledError)
    expect(host.stats().limitTrips.timeout).toBe(1)
  })

  // one listener each on the caller's signal put eleven executions over Node's default of ten:
  // MaxListenersExceededWarning on the host's stderr
  it('one caller signal shared by many executions adds one listener and cancels them all', async () => {
    const { host } = await make({ hang: (req) => req.execution.race(new Promise<never>(() => {})) })
    const warnings: Error[] = []
    const onWarning = (w: Error) => warnings.push(w)
    process.on('warning', onWarning)
    try {
      const ac = new AbortController()
      const done = await host.execute({ language: 'alpha', source: 'x', signal: ac.signal })
      expect(done.value).toBe('x')
      const running = Array.from({ length: 25 }, () =>
        host.execute({ language: 'alpha', source: 'hang', signal: ac.signal }).catch((e) => e),
      )
      await new Promise((r) => setTimeout(r, 20))
      ac.abort()
      const errors = await Promise.all(running)
      expect(errors.every((e) => e instanceof CancelledError)).toBe(true)
      await new Promise((r) => setImmediate(r))
      expect(warnings.map((w) => w.name)).toEqual([])
    } finally {
      process.off('warning', onWarning)
    }
  })

  it('executeFile reads the file and picks the engine by extension', async () => {
    const { host, b } = await make()
    const dir = await mkdtemp(join(tmpdir(), 'polyhost-'))
    try {
      await writeFile(join(dir, 'job.beta'), 'from file')
      const r = await host.executeFile(join(dir, 'job.beta'), { context: { tenant: 't' } })
      expect(r.value).toBe('from file')
      expect(b.compiles[0]?.name).toBe('job.beta')
      await expect(host.executeFile(join(dir, 'missing.beta'))).rejects.toBeInstanceOf(InvalidArgumentError)
      await expect(host.executeFile('')).rejects.toBeInstanceOf(InvalidArgumentError)
      // a file without an extension runs in the language given (the option was refused as unknown)
      await writeFile(join(dir, 'job'), 'no extension')
      expect((await host.executeFile(join(dir, 'job'), { language: 'alpha' })).value).toBe('no extension')
      await expect(host.executeFile(join(dir, 'job'), { language: 5 as never })).rejects.toThrow(/^executeFile: language:/)
      await expect(host.executeFile(join(dir, 'job'), { source: 'x' } as never)).rejects.toThrow(
        "executeFile: request: unknown field 'source'",
      )
    } finally {
      await rm(dir, { recursive: true })
    }
  })
})

describe('compile and Script.run', () => {
  it('compiles once, runs many times, and rejects syntax errors at compile', async () => {
    const { host, a } = await make()
    const script = await host.compile({ name: 'rule.alpha', source: 'v' })
    expect([script.name, script.language, script.engine]).toEqual(['rule.alpha', 'alpha', 'alpha'])
    const runs = await Promise.all([script.run(), script.run({ context: { tenant: 'x' } })])
    expect(runs.map((r) => r.value)).toEqual(['v', 'v'])
    expect(runs.every((r) => r.stats.compileCacheHit)).toBe(true)
    expect(a.compiles).toHaveLength(1)
    await expect(host.compile({ language: 'alpha', source: 'syntax!' })).rejects.toBeInstanceOf(ScriptSyntaxError)
    await expect(script.run({ bogus: 1 } as never)).rejects.toThrow("run: request: unknown field 'bogus'")
  })

  it('runs without re-parsing even with the cache off', async () => {
    const { host, a } = await make({}, { cache: false })
    const script = await host.compile({ language: 'alpha', source: 'v' })
    await script.run()
    await script.run()
    expect(a.compiles).toHaveLength(1)
    await host.execute({ language: 'alpha', source: 'v' })
    expect(a.compiles).toHaveLength(2)
  })
})
