import { spawnSync } from 'node:child_process'
import { createHost } from '@polyhost/core'
import { describe, expect, it } from 'vitest'
import { tripsAtInstructionLimit } from '../test/instruction-trips.js'
import { hasNative } from '../test/native-lua.js'
import { fengari } from './fengari-api.js'
import { luaEngine } from './index.js'
import { TRACEBACK_PATCHES } from './fengari-traceback-patches.js'

// One test per patch of fengari-traceback-patches.ts (the wider comparison with native Lua is
// test/traceback-fidelity.test.ts).

/** A coroutine suspended under `n` tail calls; prints its traceback. */
const tailCalls = (n: number) => `
  local function f0() coroutine.yield() end
  ${Array.from({ length: n }, (_, i) => `local function f${i + 1}() return f${i}() end`).join('\n')}
  local co = coroutine.create(function() f${n}() end)
  coroutine.resume(co)
  print(debug.traceback(co))`

/** What the engine prints for `source`, and what native `binary` prints for it. */
async function both(numbers: 'lua53' | 'lua51', binary: string, source: string): Promise<[string, string]> {
  const host = await createHost({ engines: [luaEngine({ numbers })], policy: 'minimal' })
  try {
    const here = await host.execute({ language: 'lua', source, name: 'x' })
    const native = spawnSync(binary, ['-e', `assert((loadstring or load)(${JSON.stringify(source)}, '@x'))()`], { encoding: 'utf8' })
    return [here.logs.map((l) => l.message).join('\n'), native.stdout.trimEnd()]
  } finally {
    await host.close()
  }
}

describe('fengari-traceback-patches', () => {
  it('lists four patches, each with its reason', () => {
    expect(TRACEBACK_PATCHES).toHaveLength(4)
    for (const p of TRACEBACK_PATCHES) expect(p.why.length).toBeGreaterThan(20)
  })

  it.skipIf(!hasNative('lua5.3'))('lauxlib.js: lost tail calls are "(...tail calls...)" as in lua5.3', async () => {
    const [here, native] = await both('lua53', 'lua5.3', tailCalls(1))
    expect(native).toContain('\t(...tail calls...)')
    expect(here).toBe(native)
  })

  it('lstate.js: every CallInfo has the tail-call count from its constructor (one shape for the VM)', () => {
    for (const mode of ['lua53', 'lua51'] as const) {
      const L = fengari(mode).lauxlib.luaL_newstate()
      expect(Object.hasOwn(L.base_ci, 'tailcalls')).toBe(true)
      expect(L.base_ci.tailcalls).toBe(0)
    }
  })

  it.skipIf(!hasNative('lua5.1'))('lvm.js: each tail call is a level of its own in lua5.1', async () => {
    for (const n of [1, 2, 3]) {
      const [here, native] = await both('lua51', 'lua5.1', tailCalls(n))
      expect(native.split('(tail call): ?')).toHaveLength(n + 1)
      expect(here).toBe(native)
    }
  })

  describe('lauxlib.js: naming a frame is charged a step per entry it visits', () => {
    // 10,000 globals are 10,000 entries of package.loaded._G for every frame a traceback names
    const globals = "for i = 1, 10000 do _G['g' .. i] = i end "
    tripsAtInstructionLimit([['debug.traceback with 10,000 globals', `${globals} for i = 1, 200 do debug.traceback() end`]], 200_000)
  })
})
