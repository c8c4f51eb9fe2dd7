import { createHost } from '@polyhost/core'
import { afterEach, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'
import { LuaSandbox } from '../src/lua-state.js'

// A destroyed state could stay referenced from dead objects in V8's old generation until the
// next full collection; while it held its Lua heap, every scavenge until then copied that
// heap (a fresh state per execution cost about twice as much CPU). destroy() cuts it loose.

const original = LuaSandbox.prototype.destroy
afterEach(() => {
  LuaSandbox.prototype.destroy = original
})

/** Lua tables reachable from `root` through JS properties, Map and Set entries, skipping the shared engine parts. */
function luaTablesReachable(root: object): number {
  const seen = new Set<unknown>()
  const stack: unknown[] = Object.entries(root)
    .filter(([k]) => k !== 'f' && k !== 'deps')
    .map(([, v]) => v)
  let tables = 0
  while (stack.length) {
    const o = stack.pop()
    if (o === null || typeof o !== 'object' || seen.has(o)) continue
    seen.add(o)
    if ((o as { strong?: unknown }).strong instanceof Map) tables++
    if (o instanceof Map) for (const [k, v] of o) stack.push(k, v)
    else if (o instanceof Set) for (const v of o) stack.push(v)
    else if (!ArrayBuffer.isView(o)) for (const v of Object.values(o)) stack.push(v)
  }
  return tables
}

describe('a destroyed Lua state', () => {
  it('keeps none of its Lua heap reachable from the state object', async () => {
    const destroyed: LuaSandbox[] = []
    LuaSandbox.prototype.destroy = function (this: LuaSandbox) {
      destroyed.push(this)
      original.call(this)
    }
    const host = await createHost({ engines: [luaEngine({ init: 'helpers = { list = {} }' })], pool: { min: 0, maxUses: 1 } })
    try {
      for (let i = 0; i < 3; i++) {
        const r = await host.execute({ language: 'lua', source: 'local t = { x = {} } return #helpers.list + a', globals: { a: i } })
        expect(r.value).toBe(i)
      }
    } finally {
      await host.close()
    }
    expect(destroyed.length).toBeGreaterThanOrEqual(3)
    for (const s of destroyed) expect(luaTablesReachable(s)).toBe(0)
    // a second destroy (a pool closing after a discard) does nothing
    expect(() => destroyed[0]?.destroy()).not.toThrow()
  })
})
