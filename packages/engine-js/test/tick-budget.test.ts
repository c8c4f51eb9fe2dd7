import { createHost, LimitExceededError } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jsEngine } from '../src/index.js'
import { findTickCounter, PINNED_TICK_COUNTER, TICKS_PER_CHECK } from '../src/interrupt-counter.js'
import { contextPointer } from '../src/state-snapshot.js'
import { WasmLoader } from '../src/wasm.js'

// QuickJS checks for interrupts every 10,000 ticks (calls and backward branches), and a tick
// can cost milliseconds (a call that overflows the stack builds a backtrace of every frame):
// the engine finds the context's tick counter at start-up and gives QuickJS 1,000 ticks
// between checks instead. A loop of one or two ticks per iteration shows which budget runs.
describe('engine-js: ticks between interrupt checks', () => {
  let host: Awaited<ReturnType<typeof createHost>>
  beforeAll(async () => {
    host = await createHost({ engines: [jsEngine()], pool: { min: 1, max: 2 } })
  })
  afterAll(() => host.close())

  it('instructions are counted a budget of 1,000 ticks at a time', async () => {
    const r = await host.execute({ language: 'js', source: '(() => { let n = 0; for (let i = 0; i < 25500; i++) n++; return n })()' })
    expect(r.value).toBe(25500)
    expect(r.stats.instructions % TICKS_PER_CHECK).toBe(0)
    // QuickJS's own budget would count in steps of 10,000: 25,500 or 51,000 ticks read 20,000 / 50,000
    expect(r.stats.instructions % 10_000).not.toBe(0)
  })

  it('an instruction limit trips within one budget of it', async () => {
    const run = host.execute({ language: 'js', source: 'for (;;) {}', limits: { instructions: 4_500 } })
    await expect(run).rejects.toBeInstanceOf(LimitExceededError)
    const e = (await run.catch((x: unknown) => x)) as LimitExceededError
    expect(e.limit).toBe('instructions')
    expect(e.used).toBe(5_000)
  })

  it("the pinned build's known offset is the one the probe finds, and a fresh context's counter reads 0 there", async () => {
    const instance = await new WasmLoader().instantiate(64 << 20)
    const runtime = instance.module.newRuntime()
    const ctx = runtime.newContext()
    try {
      const words = () => new Int32Array(instance.heap.memory.buffer)
      expect(words()[(contextPointer(ctx) + PINNED_TICK_COUNTER) >> 2]).toBe(0)
      expect(findTickCounter(runtime, ctx, words)).toBe(PINNED_TICK_COUNTER)
    } finally {
      ctx.dispose()
      runtime.dispose()
    }
  })

  it('a restored copy of the state (the pool keeps making them) uses the same budget', async () => {
    const fresh = await createHost({ engines: [jsEngine()], pool: { min: 0, max: 1, maxUses: 1 } })
    try {
      for (let i = 0; i < 3; i++) {
        const r = await fresh.execute({ language: 'js', source: '(() => { let n = 0; for (let i = 0; i < 25500; i++) n++; return n })()' })
        expect(r.stats.instructions % 10_000).not.toBe(0)
        expect(r.stats.instructions % TICKS_PER_CHECK).toBe(0)
      }
    } finally {
      await fresh.close()
    }
  })
})
