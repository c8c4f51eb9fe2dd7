import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineBridge } from '../bridges.js'
import { LimitExceededError, ScriptRuntimeError, ScriptSyntaxError } from '../errors.js'
import { createHost, type Host } from '../host.js'
import type { HostOptions } from '../host-options.js'
import { fakeEngine } from './fake-engine.js'

let host: Host | undefined
afterEach(async () => {
  await host?.close()
  host = undefined
})

async function make(options: Partial<HostOptions> = {}): Promise<Host> {
  host = await createHost({ engines: [fakeEngine()], pool: { min: 0, max: 1, healthCheckIntervalMs: 0 }, ...options })
  return host
}

const run = (h: Host, source: string, globals: Record<string, unknown> = {}) =>
  h.execute({ language: 'fake', source, name: 'unit.fake', globals })

describe('fake engine', () => {
  it('returns literals, globals and several values', async () => {
    const h = await make()
    const r = await run(h, '["return", ["get", "x", 1], ["num", "-0"], ["array", 1, ["object", "a", true]]]', { x: [5, 6] })
    expect(r.value).toBe(6)
    expect(Object.is(r.values[1], -0)).toBe(true)
    expect(r.values[2]).toEqual([1, { a: true }])
  })

  it('reports syntax errors with the line', async () => {
    const h = await make()
    const e = await run(h, '["return", 1]\n\n["nope"]').catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ScriptSyntaxError)
    expect((e as ScriptSyntaxError).line).toBe(3)
  })

  it('throws catchable errors with the line and keeps integers as integers', async () => {
    const h = await make()
    const e = await run(h, '\n["throw", "boom"]').catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ScriptRuntimeError)
    expect((e as ScriptRuntimeError).line).toBe(2)
    const r = await run(h, '["try", ["throw", "x"]]\n["return", ["kind", 3], ["kind", ["num", 3]], ["try", ["call", ["get", "nope"]]]]')
    expect(r.values).toEqual(['integer', 'float', 'attempt to call a nil value'])
  })

  it('calls sync and async bridges and counts the instructions budget', async () => {
    const h = await make({ limits: { instructions: 5_000 } })
    h.bridges.register(
      defineBridge({
        name: 'kv',
        methods: {
          up: { args: [z.string()], handler: (_c, s) => s.toUpperCase() },
          later: { args: [z.number()], handler: async (_c, n) => n * 2 },
        },
      }),
    )
    const r = await run(h, '["return", ["call", ["get", "kv", "up"], "a"], ["call", ["get", "kv", "later"], 21]]')
    expect(r.values).toEqual(['A', 42])
    const e = await run(h, '["loop", ["try", ["do", 1]]]').catch((x: unknown) => x)
    expect(e).toBeInstanceOf(LimitExceededError)
    expect((e as LimitExceededError).limit).toBe('instructions')
    expect(h.stats().engines.fake?.pool.quarantined).toBe(1)
  })
})
