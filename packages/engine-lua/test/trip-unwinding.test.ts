import type { LimitExceededError } from '@polyhost/core'
import type { ResolvedLimits } from '@polyhost/core/engine'
import { describe, expect, it } from 'vitest'
import { Meter } from '../src/meter.js'
import { runRaw } from './harness.js'
import { CATCHERS, TRIP_KINDS, tripScript } from './trip-scripts.js'

/**
 * After a trip every allocation is refused with the trip's error, and building a Lua error
 * allocates (its text, the source:line prefix, a stack slot): the trip was raised again from
 * inside its own construction, ~700 nested raises until V8's stack overflowed (13-220 ms of
 * unwinding a trip; a handler saw an empty message), and a script's pcall caught what was left.
 * Now a trip leaves the state as the execution's fatal error, raised once, which no pcall,
 * message handler, coroutine or callback catches. Structural checks: how often and how deeply
 * the meter raises.
 */
interface Counts {
  raises: number
  deepest: number
}

function runCounted(source: string, limits: Partial<ResolvedLimits>): { run: ReturnType<typeof runRaw>; counts: Counts } {
  const counts: Counts = { raises: 0, deepest: 0 }
  const { raise } = Meter.prototype
  let depth = 0
  Meter.prototype.raise = function (this: Meter, L, message) {
    counts.raises++
    counts.deepest = Math.max(counts.deepest, ++depth)
    try {
      return raise.call(this, L, message)
    } finally {
      depth--
    }
  }
  try {
    return { run: runRaw(source, limits), counts }
  } finally {
    Meter.prototype.raise = raise
  }
}

const fatalOf = (run: ReturnType<typeof runRaw>) => run.execution.fatal as LimitExceededError

describe('a limit trip is raised once, not again while its error is built', () => {
  it('an instruction trip in a Lua function', () => {
    const { run, counts } = runCounted('while true do end', { instructions: 100_000 })
    expect(fatalOf(run).limit).toBe('instructions')
    expect(counts).toEqual({ raises: 1, deepest: 1 })
    expect(run.ok).toBe(false)
  })

  it("a timeout in load's reader", () => {
    const { run, counts } = runCounted("return load(function() return 'x' end)", { timeoutMs: 200 })
    expect(fatalOf(run).limit).toBe('timeout')
    expect(counts).toEqual({ raises: 1, deepest: 1 })
  })

  it('a memory trip refusing stack growth', () => {
    const { run, counts } = runCounted('local function f(n) return 1 + f(n + 1) end return f(1)', { memoryBytes: 256 * 1024 })
    expect(fatalOf(run).limit).toBe('memory')
    expect(counts).toEqual({ raises: 1, deepest: 1 })
  })
})

describe('no pcall, handler, coroutine or callback catches a trip', () => {
  for (const kind of TRIP_KINDS) {
    for (const catcher of Object.keys(CATCHERS)) {
      it(`${kind.limit}: ${catcher}`, () => {
        const { run, counts } = runCounted(tripScript(kind, catcher), kind.limits as Partial<ResolvedLimits>)
        expect(run.ok).toBe(false)
        expect(fatalOf(run).limit).toBe(kind.limit)
        expect(run.message).toBe(fatalOf(run).message)
        expect(counts).toEqual({ raises: 1, deepest: 1 })
      })
    }
  }
})
