import { describe, expect, it } from 'vitest'
import * as engine from './engine.js'
import * as root from './index.js'

describe('@polyhost/core/engine', () => {
  it('holds the engine-author API, and the root still exports each of its names with the same value', () => {
    const names = Object.keys(engine)
    for (const name of ['Execution', 'runPooled', 'StatePool', 'ConversionGuard', 'executionRandom', 'entropy53', 'CompileCache']) {
      expect(names, name).toContain(name)
    }
    for (const name of names) expect((root as Record<string, unknown>)[name], name).toBe((engine as Record<string, unknown>)[name])
  })

  it('leaves the application API out', () => {
    for (const name of ['createHost', 'Host', 'defineBridge', 'generateTypings', 'loadEngine'])
      expect(Object.keys(engine)).not.toContain(name)
  })
})
