import { createHost, defineBridge, LimitExceededError } from '@polyhost/core'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { jsEngine } from '../src/index.js'
import { JsState } from '../src/js-state.js'

// When QuickJS's heap is full, a host value converted into the guest must fail as a memory
// trip: quickjs-emscripten writes strings and buffers at the pointer malloc returned without
// checking it, so a NULL would put the tenant's bytes at address 0, over QuickJS's static data.

describe('a host value converted into a full heap', () => {
  it.each([
    ['a string', 'echo.say(big)'],
    ['a string in an object', 'echo.wrap(big)'],
  ])('(%s) trips the memory limit and writes nothing at address 0', async (_what, call) => {
    const states: JsState[] = []
    const original = JsState.prototype.begin
    JsState.prototype.begin = function (this: JsState, ...a: Parameters<JsState['begin']>) {
      states.push(this)
      return original.apply(this, a)
    }
    const host = await createHost({ engines: [jsEngine()], pool: { min: 0, max: 1 }, limits: { memoryBytes: 16 << 20 } })
    try {
      host.bridges.register(
        defineBridge({
          name: 'echo',
          methods: {
            say: { args: [z.string()], handler: (_c, s) => s },
            wrap: { args: [z.string()], handler: (_c, s) => ({ s: `${s}!` }) },
          },
        }),
      )
      await host.execute({ language: 'js', source: '1' })
      const low = () => Buffer.from(new Uint8Array((states.at(-1) as JsState).instance.heap.memory.buffer).slice(0, 8192))
      const before = low()
      const run = host.execute({
        language: 'js',
        source: `const big = 'Z'.repeat(6000); const a = []
          for (const size of [1 << 16, 1 << 12, 1 << 8, 16]) { try { for (;;) a.push(new ArrayBuffer(size)) } catch {} }
          let r; try { r = ${call} } catch (e) { r = 'threw ' + e }
          typeof r`,
      })
      await expect(run).rejects.toBeInstanceOf(LimitExceededError)
      await expect(run).rejects.toMatchObject({ limit: 'memory' })
      expect(low().equals(before)).toBe(true)
      // the host goes on
      expect((await host.execute({ language: 'js', source: 'echo.say("ok")' })).value).toBe('ok')
    } finally {
      JsState.prototype.begin = original
      await host.close()
    }
  })
})
