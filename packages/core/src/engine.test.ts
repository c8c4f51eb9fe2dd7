import { describe, expect, it } from 'vitest'
import * as engine from './engine.js'
import * as root from './index.js'

// `@polyhost/core` is what an application uses; the pool, the compile cache, the execution's
// bookkeeping and the value-model helpers are `@polyhost/core/engine`, for engine authors.
const app: Record<string, unknown> = { ...root }
const author: Record<string, unknown> = { ...engine }

describe('@polyhost/core/engine', () => {
  it('holds the engine-author API, none of which the application entry carries', () => {
    const internals = ['Execution', 'runPooled', 'StatePool', 'ConversionGuard', 'ConversionBudget', 'executionRandom', 'entropy53']
    internals.push('CompileCache', 'hashSource', 'BridgeMapView', 'POOL_DEFAULTS', 'seededRandom', 'assertPlugin')
    for (const name of internals) expect(Object.keys(author), name).toContain(name)
    expect(internals.filter((name) => name in app)).toEqual([])
    expect(Object.keys(app)).not.toContain('ManagedEngine')
  })

  it('shares the error classes with the application entry, so instanceof holds across them', () => {
    const errors = Object.keys(app).filter((name) => name.endsWith('Error') && name in author)
    expect(errors.length).toBeGreaterThanOrEqual(12)
    for (const name of errors) expect(app[name], name).toBe(author[name])
  })

  it('leaves the application API out, which the application entry keeps', () => {
    for (const name of ['createHost', 'Host', 'defineBridge', 'generateTypings', 'loadEngine']) {
      expect(Object.keys(author)).not.toContain(name)
      expect(Object.keys(app)).toContain(name)
    }
    for (const name of ['BridgeRegistry', 'dateType', 'registerErrorClass', 'SecurityManager']) expect(Object.keys(app)).toContain(name)
  })
})
