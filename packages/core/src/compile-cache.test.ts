import { describe, expect, it, vi } from 'vitest'
import type { CompiledScript } from './contracts.js'
import { CompileCache, hashSource } from './compile-cache.js'
import { ClosedError, InvalidArgumentError, ScriptSyntaxError } from './errors.js'

function script(source: string, name = 'a.lua'): CompiledScript {
  return { engineId: 'fake', language: 'lua', name, hash: hashSource(source), source }
}

const key = (source: string, over: Partial<Parameters<typeof CompileCache.key>[0]> = {}) =>
  CompileCache.key({ engineId: 'fake', engineVersion: '1', policyFingerprint: 'fp', hash: hashSource(source), name: 'a.lua', ...over })

describe('CompileCache', () => {
  it('misses, then hits without compiling again', async () => {
    const cache = new CompileCache()
    const compile = vi.fn(async () => script('return 1'))
    const a = await cache.getOrCompile(key('return 1'), compile)
    const b = await cache.getOrCompile(key('return 1'), compile)
    expect(a.hit).toBe(false)
    expect(b.hit).toBe(true)
    expect(b.script).toBe(a.script)
    expect(compile).toHaveBeenCalledTimes(1)
    expect(cache.stats()).toMatchObject({ enabled: true, size: 1, hits: 1, misses: 1, evictions: 0, bytes: 8 })
  })

  it('caches syntax errors and throws a fresh copy to every caller', async () => {
    const cache = new CompileCache()
    const err = new ScriptSyntaxError("unexpected symbol near '+'", 'a.lua', 1)
    const compile = vi.fn(async (): Promise<CompiledScript> => {
      throw err
    })
    const caught: ScriptSyntaxError[] = []
    const catchOne = async (p: () => unknown) => {
      try {
        await p()
      } catch (e) {
        caught.push(e as ScriptSyntaxError)
      }
    }
    // two concurrent callers of one compile, a cached rethrow, and a lookup
    await Promise.all([catchOne(() => cache.getOrCompile(key('+'), compile)), catchOne(() => cache.getOrCompile(key('+'), compile))])
    const first = caught[0] as ScriptSyntaxError & { mine?: string }
    // issue 18.10: one caller's changes to the error must not reach the next caller
    ;(first as { message: string }).message = 'tampered'
    first.mine = 'secret'
    await catchOne(() => cache.getOrCompile(key('+'), compile))
    await catchOne(() => cache.lookup(key('+')))
    expect(caught).toHaveLength(4)
    expect(new Set([err, ...caught]).size).toBe(5)
    for (const e of caught.slice(1)) {
      expect(e).toBeInstanceOf(ScriptSyntaxError)
      expect({ message: e.message, name: e.name, line: e.line, scriptName: e.scriptName, mine: (e as { mine?: string }).mine }).toEqual({
        message: "unexpected symbol near '+'",
        name: 'ScriptSyntaxError',
        line: 1,
        scriptName: 'a.lua',
        mine: undefined,
      })
    }
    expect(compile).toHaveBeenCalledTimes(1)
    expect(cache.stats()).toMatchObject({ hits: 2, misses: 2, size: 1 })
  })

  it('does not cache other errors', async () => {
    const cache = new CompileCache()
    const compile = vi.fn(async (): Promise<CompiledScript> => {
      throw new ClosedError('engine closed')
    })
    await expect(cache.getOrCompile(key('x'), compile)).rejects.toBeInstanceOf(ClosedError)
    await expect(cache.getOrCompile(key('x'), compile)).rejects.toBeInstanceOf(ClosedError)
    expect(compile).toHaveBeenCalledTimes(2)
    expect(cache.stats().size).toBe(0)
  })

  it('turns a compile function that throws synchronously into a rejection', async () => {
    const cache = new CompileCache()
    const compile = (): Promise<CompiledScript> => {
      throw new ClosedError('sync')
    }
    await expect(cache.getOrCompile(key('x'), compile)).rejects.toBeInstanceOf(ClosedError)
  })

  it('shares one compile between concurrent callers of one key', async () => {
    const cache = new CompileCache()
    let finish: (s: CompiledScript) => void = () => {}
    const compile = vi.fn(() => new Promise<CompiledScript>((r) => (finish = r)))
    const calls = [1, 2, 3].map(() => cache.getOrCompile(key('s'), compile))
    await Promise.resolve()
    finish(script('s'))
    const results = await Promise.all(calls)
    expect(compile).toHaveBeenCalledTimes(1)
    expect(new Set(results.map((r) => r.script)).size).toBe(1)
    expect((await cache.getOrCompile(key('s'), compile)).hit).toBe(true)
  })

  it('shares a failing compile too, and retries afterwards', async () => {
    const cache = new CompileCache()
    let fail: (e: Error) => void = () => {}
    const compile = vi.fn(() => new Promise<CompiledScript>((_, reject) => (fail = reject)))
    const calls = [1, 2].map(() => cache.getOrCompile(key('s'), compile))
    await Promise.resolve()
    fail(new Error('engine broke'))
    for (const c of calls) await expect(c).rejects.toThrow('engine broke')
    await expect(cache.getOrCompile(key('s'), async () => script('s'))).resolves.toMatchObject({ hit: false })
  })

  it('evicts least recently used entries by source bytes', async () => {
    const cache = new CompileCache({ maxSourceBytes: 10 })
    await cache.getOrCompile(key('aaaa'), async () => script('aaaa'))
    await cache.getOrCompile(key('bbbb'), async () => script('bbbb'))
    await cache.getOrCompile(key('aaaa'), async () => script('aaaa')) // touch a
    await cache.getOrCompile(key('cccc'), async () => script('cccc')) // evicts b
    expect(cache.stats()).toMatchObject({ size: 2, bytes: 8, evictions: 1 })
    expect((await cache.getOrCompile(key('aaaa'), async () => script('aaaa'))).hit).toBe(true)
    expect((await cache.getOrCompile(key('bbbb'), async () => script('bbbb'))).hit).toBe(false)
  })

  it('sizes an entry by what the engine says the compiled form retains', async () => {
    const cache = new CompileCache({ maxBytes: 1000 })
    const heavy = (s: string) => ({ ...script(s), retainedBytes: 600 })
    await cache.getOrCompile(key('a'), async () => heavy('a'))
    expect(cache.stats()).toMatchObject({ size: 1, bytes: 600 })
    await cache.getOrCompile(key('b'), async () => heavy('b')) // 1200 > 1000: a goes
    expect(cache.stats()).toMatchObject({ size: 1, bytes: 600, evictions: 1 })
    expect((await cache.getOrCompile(key('a'), async () => heavy('a'))).hit).toBe(false)
  })

  it('ignores a retained size that is not a positive finite number', async () => {
    const cache = new CompileCache()
    for (const r of [Number.NaN, -5, Number.POSITIVE_INFINITY]) {
      await cache.getOrCompile(key(`x${r}`), async () => ({ ...script('abcd'), retainedBytes: r }))
    }
    expect(cache.stats().bytes).toBe(12)
  })

  it('counts bytes, not UTF-16 units', async () => {
    const cache = new CompileCache()
    await cache.getOrCompile(key('é'), async () => script('é'))
    expect(cache.stats().bytes).toBe(2)
  })

  it('evicts by entry count', async () => {
    const cache = new CompileCache({ maxEntries: 2 })
    for (const s of ['a', 'b', 'c']) await cache.getOrCompile(key(s), async () => script(s))
    expect(cache.stats()).toMatchObject({ size: 2, evictions: 1 })
  })

  it('does not keep a script bigger than the whole cache, but still returns it', async () => {
    const cache = new CompileCache({ maxSourceBytes: 4 })
    const r = await cache.getOrCompile(key('too long'), async () => script('too long'))
    expect(r.script.source).toBe('too long')
    expect(cache.stats().size).toBe(0)
  })

  it('expires entries after the TTL', async () => {
    const cache = new CompileCache({ ttlMs: 20 })
    const compile = vi.fn(async () => script('t'))
    await cache.getOrCompile(key('t'), compile)
    expect((await cache.getOrCompile(key('t'), compile)).hit).toBe(true)
    await new Promise((r) => setTimeout(r, 40))
    expect((await cache.getOrCompile(key('t'), compile)).hit).toBe(false)
    expect(compile).toHaveBeenCalledTimes(2)
    expect(cache.stats().evictions).toBe(1)
  })

  it('lookup answers hits at once, rethrows cached syntax errors and leaves misses to getOrCompile', async () => {
    const cache = new CompileCache()
    expect(cache.lookup(key('x'))).toBeUndefined()
    await cache.getOrCompile(key('x'), async () => script('x'))
    expect(cache.lookup(key('x'))).toMatchObject({ script: { source: 'x' }, hit: true })
    await cache
      .getOrCompile(key('bad'), async () => {
        throw new ScriptSyntaxError('SyntaxError: bad', 'a.lua', 1, 1)
      })
      .catch(() => undefined)
    expect(() => cache.lookup(key('bad'))).toThrow(ScriptSyntaxError)
    expect(cache.stats()).toMatchObject({ hits: 2, misses: 2 })
  })

  it('keyOf gives the same key as key() for every change of parts under one source hash', () => {
    const cache = new CompileCache()
    const parts = { engineId: 'fake', engineVersion: '1', policyFingerprint: 'fp', hash: 'h', name: 'a.lua' }
    const variants = [parts, ...(Object.keys(parts) as (keyof typeof parts)[]).map((k) => ({ ...parts, [k]: `${parts[k]}x` })), parts]
    for (const p of variants) expect(cache.keyOf(p)).toBe(CompileCache.key(p))
  })

  it('keys on every part, so a policy change or a new engine version misses', async () => {
    const parts = { engineId: 'fake', engineVersion: '1', policyFingerprint: 'fp', hash: 'h', name: 'a.lua' }
    const base = CompileCache.key(parts)
    for (const k of Object.keys(parts) as (keyof typeof parts)[]) expect(CompileCache.key({ ...parts, [k]: `${parts[k]}x` })).not.toBe(base)
    // parts cannot bleed into each other
    expect(CompileCache.key({ ...parts, engineId: 'a|b', engineVersion: 'c' })).not.toBe(
      CompileCache.key({ ...parts, engineId: 'a', engineVersion: 'b|c' }),
    )
    const cache = new CompileCache()
    const compile = vi.fn(async () => script('x'))
    await cache.getOrCompile(key('x'), compile)
    await cache.getOrCompile(key('x', { policyFingerprint: 'other' }), compile)
    expect(compile).toHaveBeenCalledTimes(2)
  })

  it('disabled (false): compiles every time, still shares concurrent compiles', async () => {
    const cache = new CompileCache(false)
    const compile = vi.fn(async () => script('x'))
    await cache.getOrCompile(key('x'), compile)
    await cache.getOrCompile(key('x'), compile)
    expect(compile).toHaveBeenCalledTimes(2)
    expect(cache.stats()).toMatchObject({ enabled: false, size: 0, misses: 2 })
  })

  it('clear() empties it', async () => {
    const cache = new CompileCache()
    await cache.getOrCompile(key('x'), async () => script('x'))
    cache.clear()
    expect(cache.stats().size).toBe(0)
  })

  it.each([
    [{ maxEntries: 0 }, 'cache.maxEntries'],
    [{ maxSourceBytes: -1 }, 'cache.maxSourceBytes'],
    [{ ttlMs: 1.5 }, 'cache.ttlMs'],
    [{ size: 1 }, "cache: unknown field 'size'"],
  ])('rejects bad options %o', (opts, message) => {
    expect(() => new CompileCache(opts as never)).toThrow(InvalidArgumentError)
    expect(() => new CompileCache(opts as never)).toThrow(message)
  })
})

it('hashSource is SHA-256 hex', () => {
  expect(hashSource('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
})
