import { describe, expect, it } from 'vitest'
import type { EngineCapabilities, EnginePlugin, SourceText } from './contracts.js'
import { LimitExceededError } from './errors.js'
import { createHost } from './host.js'

// Issue 18.5: a script's source is limited (limits.sourceBytes, per preset) before any engine
// parses it, for every engine and mode: the engine's compile is never called.

const CAPS: EngineCapabilities = {
  limits: { instructions: 'exact', timeout: 'exact', memory: 'approximate', stack: 'exact', bridgeCalls: 'exact', output: 'exact' },
  asyncBridges: false,
  modules: false,
  multipleReturns: false,
  undefinedValue: true,
}

function recordingEngine() {
  const compiles: SourceText[] = []
  const plugin: EnginePlugin = {
    id: 'rec',
    languages: ['rec'],
    extensions: ['.rec'],
    capabilities: CAPS,
    create: async () => ({
      compile: async (src) => {
        compiles.push(src)
        return { engineId: 'rec', language: src.language, name: src.name, hash: src.hash, source: src.source }
      },
      execute: async (script, req) => req.execution.result(script.source.length),
      stats: () => ({ pool: {} as never }),
      close: async () => undefined,
    }),
  }
  return { plugin, compiles }
}

const MiB = 1024 * 1024

async function refused(p: Promise<unknown>): Promise<LimitExceededError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  )
  expect(e).toBeInstanceOf(LimitExceededError)
  return e as LimitExceededError
}

describe('limits.sourceBytes', () => {
  it('each preset has one, and a source above it is refused before compiling', async () => {
    for (const [policy, max] of [
      ['strict', MiB],
      ['standard', MiB],
      ['minimal', 16 * MiB],
    ] as const) {
      const { plugin, compiles } = recordingEngine()
      const host = await createHost({ engines: [plugin], policy })
      const at = 'x'.repeat(max)
      expect((await host.execute({ language: 'rec', source: at })).value).toBe(max)
      // counted in UTF-8 bytes: 'é' is two
      const over = `${'é'.repeat(max / 2)}x`
      const e = await refused(host.execute({ language: 'rec', source: over }))
      expect({ limit: e.limit, used: e.used, max: e.max }).toEqual({ limit: 'source', used: max + 1, max })
      expect(compiles.map((c) => c.source.length)).toEqual([max])
      expect(host.stats().limitTrips.source).toBe(1)
      await refused(host.compile({ language: 'rec', source: over }))
      expect(compiles).toHaveLength(1)
      await host.close()
    }
  })

  it('a request may tighten it, never loosen it; Script.run checks the tightened limit', async () => {
    const { plugin, compiles } = recordingEngine()
    const host = await createHost({ engines: [plugin], policy: 'standard', limits: { sourceBytes: 100 } })
    expect((await host.execute({ language: 'rec', source: 'x'.repeat(100) })).value).toBe(100)
    const e = await refused(host.execute({ language: 'rec', source: 'x'.repeat(60), limits: { sourceBytes: 50 } }))
    expect(e).toMatchObject({ limit: 'source', used: 60, max: 50 })
    await expect(host.execute({ language: 'rec', source: 'x', limits: { sourceBytes: 101 } })).rejects.toThrow(/may only tighten/)
    const script = await host.compile({ language: 'rec', source: 'x'.repeat(60) })
    expect((await script.run()).value).toBe(60)
    await refused(script.run({ limits: { sourceBytes: 59 } }))
    expect(compiles).toHaveLength(2)
    await host.close()
  })
})
