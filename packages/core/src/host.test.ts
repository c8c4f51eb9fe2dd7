import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PolicyError, SecurityManager } from '@polyhost/security'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type {
  CompiledScript,
  EngineCapabilities,
  EngineEnvironment,
  EnginePlugin,
  ExecutionRequest,
  ExecutionResult,
  ScriptEngine,
  SourceText,
} from './contracts.js'
import {
  CancelledError,
  ClosedError,
  EngineCrashedError,
  EngineNotFoundError,
  InvalidArgumentError,
  LimitExceededError,
  ScriptSyntaxError,
} from './errors.js'
import { createHost, type Host } from './host.js'

// --- a tiny inline engine: the source names what the script does ---

type Behaviour = (req: ExecutionRequest) => Promise<ExecutionResult> | ExecutionResult
const CAPS: EngineCapabilities = {
  limits: { instructions: 'exact', timeout: 'exact', memory: 'approximate', stack: 'exact', bridgeCalls: 'exact', output: 'exact' },
  asyncBridges: true,
  modules: false,
  multipleReturns: false,
  undefinedValue: true,
}

function fakeEngine(id: string, behaviours: Record<string, Behaviour> = {}, caps: Partial<EngineCapabilities> = {}) {
  const record = {
    creates: 0,
    closes: 0,
    compiles: [] as SourceText[],
    requests: [] as ExecutionRequest[],
    env: undefined as EngineEnvironment | undefined,
  }
  const engine: ScriptEngine = {
    compile: async (src) => {
      record.compiles.push(src)
      if (src.source.startsWith('syntax')) throw new ScriptSyntaxError('unexpected symbol', src.name, 1)
      return { engineId: id, language: src.language, name: src.name, hash: src.hash, source: src.source }
    },
    execute: async (script: CompiledScript, req) => {
      record.requests.push(req)
      const b = behaviours[script.source]
      return b ? b(req) : req.execution.result(script.source)
    },
    stats: () => ({ pool: {} as never, id }),
    close: async () => {
      record.closes++
    },
  }
  const plugin: EnginePlugin = {
    id,
    languages: [id],
    extensions: [`.${id}`],
    version: '1',
    capabilities: { ...CAPS, ...caps },
    create: async (env) => {
      record.creates++
      record.env = env
      return engine
    },
  }
  return { plugin, record }
}

function deferred<T = void>() {
  let resolve!: (v: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

let host: Host | undefined
afterEach(async () => {
  await host?.close()
  host = undefined
})

async function make(behaviours: Record<string, Behaviour> = {}, options: Partial<Parameters<typeof createHost>[0]> = {}) {
  const a = fakeEngine('alpha', behaviours)
  const b = fakeEngine('beta', behaviours)
  host = await createHost({ engines: [a.plugin, b.plugin], ...options })
  return { host, a: a.record, b: b.record }
}

describe('createHost', () => {
  it('creates each engine once with the environment', async () => {
    const { a, b } = await make({}, { pool: { max: 3 }, maxDepth: 10 })
    expect([a.creates, b.creates]).toEqual([1, 1])
    expect(a.env?.pool).toMatchObject({ max: 3, min: 1 })
    expect(a.env?.maxDepth).toBe(10)
    expect(a.env?.security).toBeInstanceOf(SecurityManager)
    expect(a.env?.bridges).toBe(host?.bridges)
    expect(a.env?.modules).toBe(host?.modules)
    expect(a.env?.converters).toBe(host?.converters)
  })

  it('accepts promises of plugins (loadEngine)', async () => {
    const a = fakeEngine('alpha')
    host = await createHost({ engines: [Promise.resolve(a.plugin)] })
    expect((await host.execute({ language: 'alpha', source: 'x' })).value).toBe('x')
  })

  it.each([
    [undefined, 'createHost: options are required'],
    [{ engines: [] }, 'engines must be a non-empty array'],
    [{ engines: [{ id: 'x' }] }, 'engines[0]: not an engine plugin'],
    [{ engines: [fakeEngine('a').plugin, fakeEngine('a').plugin] }, "two engines have id 'a'"],
    [{ engines: [fakeEngine('a').plugin], pool: { max: -1 } }, 'pool.max'],
    [{ engines: [fakeEngine('a').plugin], cache: { maxEntries: 0 } }, 'cache.maxEntries'],
    [{ engines: [fakeEngine('a').plugin], maxDepth: 0 }, 'maxDepth must be a positive integer'],
    [{ engines: [fakeEngine('a').plugin], isolation: 'process' }, "isolation 'process' is not available"],
  ])('rejects bad options with InvalidArgumentError: %#', async (options, message) => {
    const p = createHost(options as never)
    await expect(p).rejects.toBeInstanceOf(InvalidArgumentError)
    await expect(createHost(options as never)).rejects.toThrow(message)
  })

  it('rejects an unknown preset and bad limits with PolicyError', async () => {
    const engines = [fakeEngine('a').plugin]
    await expect(createHost({ engines, policy: 'paranoid' as never })).rejects.toThrow('preset: unknown preset "paranoid"')
    await expect(createHost({ engines, limits: { timeoutMs: -5 } })).rejects.toBeInstanceOf(PolicyError)
  })

  it('rejects a policy requiring a limit the engine cannot enforce, unless the host turns it off', async () => {
    const weak = fakeEngine('weak', {}, { limits: { ...CAPS.limits, memory: 'none' } })
    const err = await createHost({ engines: [weak.plugin] }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(PolicyError)
    expect((err as PolicyError).field).toBe('limits.memoryBytes')
    expect((err as Error).message).toContain("engine 'weak' cannot enforce")
    expect(weak.record.creates).toBe(0)
    host = await createHost({ engines: [weak.plugin], limits: { memoryBytes: false } })
    await expect(host.execute({ language: 'weak', source: 'ok' })).resolves.toMatchObject({ value: 'ok' })
    await expect(host.execute({ language: 'weak', source: 'ok', limits: { memoryBytes: 100 } })).rejects.toThrow(PolicyError)
  })

  it('closes the engines already created when a later one fails to start', async () => {
    const a = fakeEngine('a')
    const broken: EnginePlugin = { ...fakeEngine('b').plugin, create: () => Promise.reject(new Error('no wasm')) }
    await expect(createHost({ engines: [a.plugin, broken] })).rejects.toThrow('no wasm')
    expect(a.record.closes).toBe(1)
  })
})

describe('engine selection', () => {
  it('by language, then by extension of the name (case-insensitive)', async () => {
    const { host, a, b } = await make()
    await host.execute({ language: 'beta', source: 's' })
    await host.execute({ name: 'job.alpha', source: 's' })
    await host.execute({ name: 'JOB.BETA', source: 's' })
    expect(a.compiles.map((c) => [c.language, c.name])).toEqual([['alpha', 'job.alpha']])
    expect(b.compiles.map((c) => [c.language, c.name])).toEqual([
      ['beta', 'script.beta'],
      ['beta', 'JOB.BETA'],
    ])
  })

  it('EngineNotFoundError for an unknown language or extension, or neither given', async () => {
    const { host } = await make()
    await expect(host.execute({ language: 'cobol', source: '' })).rejects.toThrow("no engine for language 'cobol' (have: alpha, beta)")
    await expect(host.execute({ name: 'x.cob', source: '' })).rejects.toBeInstanceOf(EngineNotFoundError)
    await expect(host.execute({ source: '' })).rejects.toThrow('language is required when name has no known extension')
  })

  it('rejects malformed requests naming the field', async () => {
    const { host } = await make()
    await expect(host.execute({ language: 'alpha', source: 5 } as never)).rejects.toBeInstanceOf(InvalidArgumentError)
    await expect(host.execute({ language: 'alpha', source: '', extra: 1 } as never)).rejects.toThrow(
      "execute: request: unknown field 'extra'",
    )
    await expect(host.execute({ language: 'alpha', source: '', signal: {} } as never)).rejects.toThrow('signal')
    await expect(host.execute(null as never)).rejects.toBeInstanceOf(InvalidArgumentError)
  })
})

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
    const err = await host.execute({ language: 'alpha', source: 'x', limits: { timeoutMs: 10 ** 9 } }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(PolicyError)
    expect((err as PolicyError).field).toBe('limits.timeoutMs')
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
    host = await createHost({ engines: [slowCompile] })
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
    await host.close()
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
