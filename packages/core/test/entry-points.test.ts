import { describe, expect, it } from 'vitest'
import * as app from '../src/index.js'
import * as engine from '../src/engine.js'

// `@polyhost/core` is what an application uses; the pool, the compile cache, the execution's
// bookkeeping and the value-model helpers are `@polyhost/core/engine`, for engine authors.
describe('entry points', () => {
  it('the application entry carries no engine-author internals', () => {
    const internals = [
      'StatePool',
      'CompileCache',
      'hashSource',
      'BridgeMapView',
      'ManagedEngine',
      'POOL_DEFAULTS',
      'Execution',
      'runPooled',
      'ConversionGuard',
      'ConversionBudget',
      'seededRandom',
      'assertPlugin',
    ]
    expect(internals.filter((name) => name in app)).toEqual([])
    expect(internals.filter((name) => name in engine && name !== 'ManagedEngine')).toEqual(
      internals.filter((name) => name !== 'ManagedEngine'),
    )
  })

  it('both entries carry the same error classes, so instanceof holds across them', () => {
    const a: Record<string, unknown> = { ...app }
    const e: Record<string, unknown> = { ...engine }
    const errors = Object.keys(a).filter((name) => name.endsWith('Error') && name in e)
    expect(errors.length).toBeGreaterThanOrEqual(12)
    for (const name of errors) expect(a[name]).toBe(e[name])
  })

  it('the application entry keeps what an application needs', () => {
    for (const name of [
      'createHost',
      'Host',
      'defineBridge',
      'BridgeRegistry',
      'dateType',
      'loadEngine',
      'registerErrorClass',
      'SecurityManager',
    ])
      expect(app).toHaveProperty(name)
  })
})
