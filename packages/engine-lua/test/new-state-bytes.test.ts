import { createHost, defineBridge } from '@polyhost/core'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { luaEngine } from '../src/index.js'
import { LuaSandbox } from '../src/lua-state.js'
import { reachableBytes } from '../src/memory-walk.js'
import type { StateDeps } from '../src/state-deps.js'

// A new state's baseline (the bytes an execution is charged above) is measured by a walk
// of the whole state once per engine and bridges version and reused for the next new states
// (lua-state.ts): they are built by the same steps into the same objects. If a new state
// ever held more or less than the first, its scripts would be charged wrongly.

const original = LuaSandbox.prototype.refresh
afterEach(() => {
  LuaSandbox.prototype.refresh = original
})

/** For each state checked out: [its recorded baseline, what a walk of it finds now]. */
function watchCheckouts(): [number, number][] {
  const seen: [number, number][] = []
  LuaSandbox.prototype.refresh = function (this: LuaSandbox, env) {
    const ok = original.call(this, env)
    const deps = (this as unknown as { deps: StateDeps }).deps
    seen.push([this.baseline, reachableBytes(this.L.l_G, deps.compiler.shared)])
    return ok
  }
  return seen
}

const calc = defineBridge({
  name: 'calc',
  methods: { add: { args: [z.number(), z.number()], handler: (_ctx, a: number, b: number) => a + b } },
})

describe('the baseline of a new Lua state', () => {
  for (const numbers of ['lua53', 'lua51'] as const) {
    for (const preset of ['standard', 'strict'] as const) {
      it(`is what a walk of it finds, state after state and across a bridge change (${numbers}, ${preset})`, async () => {
        const seen = watchCheckouts()
        const host = await createHost({ engines: [luaEngine({ numbers })], policy: preset, pool: { min: 0, maxUses: 1 } })
        try {
          for (let i = 0; i < 4; i++)
            await host.execute({ language: 'lua', source: 'local t = {} for i = 1, 100 do t[i] = i end return #t' })
          host.bridges.register(calc)
          for (let i = 0; i < 4; i++) expect((await host.execute({ language: 'lua', source: 'return calc.add(1, 2)' })).value).toBe(3)
        } finally {
          await host.close()
        }
        expect(seen.length).toBe(8)
        for (const [recorded, walked] of seen) expect(recorded).toBe(walked)
        // the bridge is part of the second baseline
        expect((seen[4] as [number, number])[0]).toBeGreaterThan((seen[0] as [number, number])[0])
      })
    }
  }
})
