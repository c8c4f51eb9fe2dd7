import { describe, expect, it } from 'vitest'
import { BridgeError, ConversionError, EngineCrashedError, ScriptRuntimeError } from './errors.js'
import type { Execution } from './execution.js'
import { StatePool } from './pool.js'
import { bareExecution } from '../test/fixtures/bare-execution.js'
import { runPooled } from './pooled-run.js'

/** An execution whose script may run 100 instructions. */
const execution = () => bareExecution({ instructions: 100 })

interface State {
  readonly id: number
  broken: boolean
}

function setup(maxUses = 0) {
  let next = 0
  const destroyed: number[] = []
  const pool = new StatePool<State>(
    {
      create: () => ({ id: ++next, broken: false }),
      reset: () => undefined,
      validate: (s) => s.id > 0,
      destroy: (s) => {
        destroyed.push(s.id)
      },
    },
    { min: 0, max: 1, maxUses, healthCheckIntervalMs: 0, idleTimeoutMs: 0, maxLifetimeMs: 0 },
  )
  let discards = 0
  const run = <T>(fn: (s: State, ex: Execution) => T) => {
    const ex = execution()
    return runPooled(pool, { execution: ex }, (s) => fn(s, ex), { broken: (s) => s.broken, onDiscard: () => discards++ })
  }
  return { pool, destroyed, run, discards: () => discards }
}

const settle = <T>(p: Promise<T>) => p.then(undefined, (e: unknown) => e)

describe('runPooled: one rule for what happens to a state', () => {
  it('reuses the state after a success, a script error, a conversion or a bridge failure', async () => {
    const { run, destroyed, discards } = setup()
    expect(await run((s) => s.id)).toBe(1)
    for (const e of [new ScriptRuntimeError('x', 'a'), new ConversionError('$.a', 'c'), new BridgeError('b', 'kv.get')]) {
      expect(
        await settle(
          run(() => {
            throw e
          }),
        ),
      ).toBe(e)
    }
    expect(await run((s) => s.id)).toBe(1)
    expect([destroyed, discards()]).toEqual([[], 0])
  })

  it('discards the state after a limit trip, even when the engine returned normally', async () => {
    const { run, destroyed, discards } = setup()
    await run((_s, ex) => {
      ex.trip('instructions', 101)
      return 'ignored'
    })
    expect(destroyed).toEqual([1])
    const e = await settle(
      run((_s, ex) => {
        throw ex.trip('instructions', 101)
      }),
    )
    expect(e).toMatchObject({ limit: 'instructions' })
    expect([destroyed, discards()]).toEqual([[1, 2], 2])
  })

  it('discards the state after a crash, an unknown error, or when the engine reports it broken', async () => {
    const { run, destroyed } = setup()
    await settle(
      run(() => {
        throw new EngineCrashedError('vm died')
      }),
    )
    await settle(
      run(() => {
        throw new TypeError('engine bug')
      }),
    )
    await run((s) => {
      s.broken = true
    })
    expect(destroyed).toEqual([1, 2, 3])
  })

  it('throws the execution’s fatal error rather than what the engine threw after it', async () => {
    const { run } = setup()
    const e = await settle(
      run((_s, ex) => {
        ex.trip('instructions', 101)
        throw new ScriptRuntimeError('instructions limit exceeded', 'a')
      }),
    )
    expect(e).toMatchObject({ name: 'LimitExceededError', limit: 'instructions' })
  })

  it('leaves maxUses and failed reset verification to the pool', async () => {
    const worn = setup(2)
    await worn.run(() => 1)
    await worn.run(() => 1)
    expect([worn.destroyed, worn.discards()]).toEqual([[1], 0])
    const invalid = setup()
    await invalid.run((s) => {
      ;(s as { id: number }).id = -1
    })
    expect(invalid.destroyed).toEqual([-1])
    expect(invalid.pool.stats().resetFailures).toBe(1)
  })
})
