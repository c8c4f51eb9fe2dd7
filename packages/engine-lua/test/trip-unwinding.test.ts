import type { LimitExceededError } from '@polyhost/core'
import type { ResolvedLimits } from '@polyhost/core/engine'
import { describe, expect, it } from 'vitest'
import { Meter } from '../src/meter.js'
import { runRaw } from './harness.js'

/**
 * After a trip every allocation is refused with the trip's error, and building that error
 * allocates (its text, the source:line prefix, a stack slot). It used to be raised again from
 * inside its own construction, ~700 nested raises until V8's stack overflowed: 13-47 ms of
 * unwinding a trip (the next job on the thread waited), and the text reaching a handler was lost.
 * Structural checks: how deeply the meter's raises nest and how often it re-measures memory.
 */
interface Counts {
  raises: number
  deepest: number
  overflows: number
}

function runCounted(source: string, limits: Partial<ResolvedLimits>): { run: ReturnType<typeof runRaw>; counts: Counts } {
  const counts: Counts = { raises: 0, deepest: 0, overflows: 0 }
  const { raise, overflow } = Meter.prototype
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
  Meter.prototype.overflow = function (this: Meter, L, incoming) {
    counts.overflows++
    overflow.call(this, L, incoming)
  }
  try {
    return { run: runRaw(source, limits), counts }
  } finally {
    Meter.prototype.raise = raise
    Meter.prototype.overflow = overflow
  }
}

const fatalOf = (run: ReturnType<typeof runRaw>) => run.execution.fatal as LimitExceededError

describe('a limit trip is raised once, not again while its error is built', () => {
  it('an instruction trip in a Lua function (the source:line prefix allocates)', () => {
    const { run, counts } = runCounted('while true do end', { instructions: 100_000 })
    expect(fatalOf(run).limit).toBe('instructions')
    expect(counts.deepest).toBe(1)
    expect(counts.raises).toBe(1)
    expect(counts.overflows).toBe(0)
    expect(run.message).toBe(`raw.lua:1: ${fatalOf(run).message}`)
  })

  it("a timeout in load's reader, at a full stack (the finding: 200 ms limit)", () => {
    const { run, counts } = runCounted("return load(function() return 'x' end)", { timeoutMs: 200 })
    expect(fatalOf(run).limit).toBe('timeout')
    expect(counts.deepest).toBe(1)
    // the reader's trip, then the sticky hook in the chunk after load returned
    expect(counts.raises).toBeLessThanOrEqual(2)
    expect(counts.overflows).toBe(0)
  })

  it('a memory trip refusing stack growth', () => {
    const { run, counts } = runCounted('local function f(n) return 1 + f(n + 1) end return f(1)', { memoryBytes: 256 * 1024 })
    expect(fatalOf(run).limit).toBe('memory')
    expect(counts.deepest).toBe(1)
    expect(counts.raises).toBe(1)
    expect(run.message).toBe(`raw.lua:1: ${fatalOf(run).message}`)
  })

  it("an xpcall handler gets the limit's text, and the trip still ends the run", () => {
    const src = 'seen = nil\nxpcall(function() while true do end end, function(m) seen = m return m end)\nreturn seen'
    const { run, counts } = runCounted(src, { instructions: 50_000 })
    expect(run.ok).toBe(false)
    expect(fatalOf(run).limit).toBe('instructions')
    expect(counts.deepest).toBe(1)
    expect(counts.raises).toBeLessThanOrEqual(2)
  })
})
