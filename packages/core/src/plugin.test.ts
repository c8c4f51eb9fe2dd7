import { fileURLToPath } from 'node:url'
import { describe, expect, it, vi } from 'vitest'
import { capabilities, makePlugin } from '../test/fixtures/engine-plugin.js'
import { calls } from '../test/fixtures/factory-plugin.js'
import type { ScriptEngine } from './contracts.js'
import { ClosedError, EngineNotFoundError, InvalidArgumentError } from './errors.js'
import { assertPlugin, loadEngine, ManagedEngine, pluginProblem } from './plugin.js'

const fixture = (name: string) => fileURLToPath(new URL(`../test/fixtures/${name}`, import.meta.url))

describe('pluginProblem', () => {
  const good = makePlugin('x')
  it('accepts a well-formed plugin', () => {
    expect(pluginProblem(good)).toBeUndefined()
    expect(pluginProblem({ ...good, version: '1.0', capabilities: { ...capabilities, integerRange: [-5, 5] } })).toBeUndefined()
  })

  it.each([
    [null, 'expected an object'],
    [{ ...good, id: '' }, 'id must be a non-empty string'],
    [{ ...good, languages: [] }, 'languages must be a non-empty array of strings'],
    [{ ...good, languages: ['lua', 3] }, 'languages must be a non-empty array of strings'],
    [{ ...good, extensions: ['lua'] }, "extensions must be an array of strings starting with '.'"],
    [{ ...good, create: undefined }, 'create must be a function'],
    [{ ...good, version: 2 }, 'version must be a string'],
    [{ ...good, fileSource: 'strip' }, 'fileSource must be a function'],
    [{ ...good, capabilities: {} }, 'capabilities.limits is required'],
    [
      { ...good, capabilities: { ...capabilities, limits: { ...capabilities.limits, memory: 'some' } } },
      'capabilities.limits.memory must be',
    ],
    [{ ...good, capabilities: { ...capabilities, asyncBridges: 'yes' } }, 'capabilities.asyncBridges must be a boolean'],
    [{ ...good, capabilities: { ...capabilities, integerRange: [5, 1] } }, 'capabilities.integerRange must be [min, max]'],
  ])('names what is wrong: %#', (value, problem) => {
    expect(pluginProblem(value)).toContain(problem)
  })

  it('assertPlugin throws InvalidArgumentError naming the argument', () => {
    expect(() => assertPlugin({}, 'engines[1]')).toThrow(InvalidArgumentError)
    expect(() => assertPlugin({}, 'engines[1]')).toThrow('engines[1]: not an engine plugin: id must be a non-empty string')
  })
})

describe('loadEngine', () => {
  it('returns the default export when it is a plugin', async () => {
    expect((await loadEngine(fixture('default-plugin.ts'))).id).toBe('fixture-default')
  })

  it('calls a factory named *Engine with the options, and no other function', async () => {
    calls.length = 0
    const p = await loadEngine(fixture('factory-plugin.ts'), { id: 'custom' })
    expect(p.id).toBe('custom')
    expect(calls).toEqual([{ id: 'custom' }])
  })

  it('explains a module without a plugin, including factory failures', async () => {
    const err = await loadEngine(fixture('no-plugin.ts')).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(InvalidArgumentError)
    expect((err as Error).message).toContain('exports no engine plugin')
    expect((err as Error).message).toContain('brokenEngine() threw: needs a wasm module')
    expect((err as Error).message).toContain('emptyEngine() returned no plugin')
  })

  it('a module that cannot be imported is EngineNotFoundError', async () => {
    await expect(loadEngine('@polyhost/no-such-engine')).rejects.toBeInstanceOf(EngineNotFoundError)
    await expect(loadEngine('@polyhost/no-such-engine')).rejects.toThrow("cannot load engine '@polyhost/no-such-engine'")
  })

  it('rejects a bad specifier', async () => {
    await expect(loadEngine('')).rejects.toBeInstanceOf(InvalidArgumentError)
    await expect(loadEngine(5 as never)).rejects.toBeInstanceOf(InvalidArgumentError)
  })
})

describe('ManagedEngine', () => {
  function inner() {
    return {
      compile: vi.fn(async (s) => ({ engineId: 'x', language: 'x', name: s.name, hash: s.hash, source: s.source })),
      execute: vi.fn(),
      stats: vi.fn(() => ({ pool: {} })),
      close: vi.fn(async () => {}),
    } as unknown as ScriptEngine & { close: ReturnType<typeof vi.fn> }
  }

  it('closes the inner engine once, however often close is called', async () => {
    const e = inner()
    const m = new ManagedEngine(makePlugin('x'), e)
    expect(m.closed).toBe(false)
    await Promise.all([m.close(), m.close()])
    await m.close()
    expect(e.close).toHaveBeenCalledTimes(1)
    expect(m.closed).toBe(true)
  })

  it('rejects use after close with ClosedError (as a rejection, not a throw)', async () => {
    const m = new ManagedEngine(makePlugin('x'), inner())
    await m.compile({ language: 'x', name: 'a', source: '', hash: '' })
    void m.close()
    const compiling = m.compile({ language: 'x', name: 'a', source: '', hash: '' })
    await expect(compiling).rejects.toBeInstanceOf(ClosedError)
    await expect(m.execute({} as never, {} as never)).rejects.toThrow("engine 'x' is closed")
  })

  it('a close that throws synchronously still becomes a rejection', async () => {
    const e = inner()
    e.close.mockImplementation(() => {
      throw new Error('dispose failed')
    })
    const m = new ManagedEngine(makePlugin('x'), e)
    await expect(m.close()).rejects.toThrow('dispose failed')
    expect(m.closed).toBe(true)
  })
})
