import { describe, expect, it } from 'vitest'
import type { EnginePlugin } from '../contracts.js'
import { EngineNotFoundError, InvalidArgumentError } from '../errors.js'
import { loadPluginRef, moduleRefOf } from './plugin-loader.js'

const plugin = (module: unknown) => ({ id: 'x', module }) as unknown as EnginePlugin

describe('engine modules for workers', () => {
  it('requires a module reference whose options survive structured clone', () => {
    expect(() => moduleRefOf(plugin(undefined), 'engines[0]')).toThrow(InvalidArgumentError)
    expect(() => moduleRefOf(plugin({ specifier: 'a', export: '' }), 'engines[0]')).toThrow(/does not name its module/)
    expect(() => moduleRefOf(plugin({ specifier: 'a', export: 'f', options: { cb: () => 1 } }), 'engines[1]')).toThrow(
      /engines\[1\]: options of engine 'x' cannot be sent to a worker/,
    )
    expect(moduleRefOf(plugin({ specifier: 'a', export: 'f', options: { n: 1 } }), 'e')).toEqual({
      specifier: 'a',
      export: 'f',
      options: { n: 1 },
    })
  })

  it('maps a TypeScript source to its built file and says to build when it is missing', async () => {
    const source = new URL('./no-such-engine.ts', import.meta.url).href
    const err = await loadPluginRef({ specifier: source, export: 'noSuchEngine' }, 'x').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(EngineNotFoundError)
    expect((err as Error).message).toMatch(/dist\/worker\/no-such-engine\.js does not exist: .*build first/)
  })

  it('names a missing export', async () => {
    const err = await loadPluginRef({ specifier: 'node:os', export: 'luaEngine' }, 'lua').catch((e: unknown) => e)
    expect((err as Error).message).toBe("engine 'lua': 'node:os' has no export 'luaEngine'")
  })
})
