import type { Execution } from '@polyhost/core/engine'
import { describe, expect, it } from 'vitest'
import { fengari, type LuaState } from '../src/fengari-api.js'
import { runRaw } from './harness.js'

/**
 * A memory walk (the re-measure when allocations pass the slack) checks the deadline as it
 * goes. A trip there was recorded, but where the walk was started by an object being created
 * (a table, an entry, a closure: no thread to raise on) the walk went on over every live
 * object, and the script ran on to its next count hook (or to its end): a 1 s script holding
 * 1e6 tables settled 60-110 ms after its trip. Now the walk stops at the trip and the running
 * thread's next instruction raises it. Structural: how often the execution's error is read
 * after the trip (each deadline check of the walk reads it) and what the script did after it.
 */
const LIVE_TABLES = 200_000

/** Fills the state with live tables (on the main thread, before the meter runs). */
function keepTables(L: LuaState): void {
  const { lua, lauxlib } = fengari()
  const code = new TextEncoder().encode(`keep = {} for i = 1, ${LIVE_TABLES} do keep[i] = {} end`)
  if (lauxlib.luaL_loadbufferx(L, code, null, '=setup', 't') !== lua.LUA_OK) throw new Error('setup: syntax')
  lua.lua_callk(L, 0, 0, 0, null)
}

/** Counts reads of `x.fatal` that find it set. */
function countFatalReads(x: Execution): { reads: number } {
  const counter = { reads: 0 }
  const getter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(x), 'fatal')?.get
  if (!getter) throw new Error('Execution.fatal is not a getter')
  Object.defineProperty(x, 'fatal', {
    get() {
      const fatal = getter.call(x) as Error | undefined
      if (fatal) counter.reads++
      return fatal
    },
  })
  return counter
}

describe('a trip during a memory walk', () => {
  it('ends the walk, and the script at its next instruction', () => {
    const { lua } = fengari()
    let counter = { reads: 0 }
    // the deadline is over before the script starts; a memory limit of 0 makes its first
    // table walk the state (the 200,000 kept tables), whose first deadline check trips
    const run = runRaw('local t = {} after = true return 1', { timeoutMs: 1, memoryBytes: 0 }, keepTables, (x) => {
      counter = countFatalReads(x)
      const end = x.deadline
      while (performance.now() <= end) {
        // wait for the deadline
      }
    })
    lua.lua_rawgeti(run.L, lua.LUA_REGISTRYINDEX, 2) // the globals
    lua.lua_getfield(run.L, -1, 'after')
    const seen = { ok: run.ok, message: run.message, after: lua.lua_type(run.L, -1) !== lua.LUA_TNIL, reads: counter.reads }
    // before: the script set `after` and returned 1 (the trip never raised), the rest of the
    // walk read the error at each of its checks (96 reads)
    expect(seen).toMatchObject({ ok: false, message: expect.stringMatching(/^timeout limit exceeded \(\d+(\.\d)? > 1\)$/), after: false })
    expect(counter.reads, JSON.stringify(seen)).toBeLessThanOrEqual(10)
  })
})
