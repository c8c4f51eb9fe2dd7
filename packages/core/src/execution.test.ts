import { afterEach, describe, expect, it, vi } from 'vitest'
import { CancelledError, LimitExceededError, ScriptRuntimeError } from './errors.js'
import { bareExecution, thrown } from '../test/fixtures/bare-execution.js'

afterEach(() => {
  vi.useRealTimers()
})

describe('timeout', () => {
  it('trips at the deadline: aborts the signal with a LimitExceededError', () => {
    vi.useFakeTimers()
    const ex = bareExecution({ timeoutMs: 100 })
    expect(ex.deadline).toBe(ex.startedAt + 100)
    vi.advanceTimersByTime(99)
    expect(ex.signal.aborted).toBe(false)
    expect(() => ex.check()).not.toThrow()
    vi.advanceTimersByTime(2)
    expect(ex.signal.aborted).toBe(true)
    expect(ex.fatal).toBeInstanceOf(LimitExceededError)
    expect(ex.fatal).toMatchObject({ limit: 'timeout', max: 100 })
    expect(ex.signal.reason).toBe(ex.fatal)
    expect(() => ex.check()).toThrow(ex.fatal as Error)
    // the timer reports the time used like check() does, above the limit
    expect((ex.fatal as LimitExceededError).used).toBeGreaterThan(100)
    ex.dispose()
  })

  it('check() notices a passed deadline even before the timer runs (a busy engine)', () => {
    const ex = bareExecution({ timeoutMs: 1 })
    const until = performance.now() + 5
    while (performance.now() < until) {
      // the engine is busy: the timer cannot fire
    }
    const e = thrown(() => ex.check())
    expect(e).toBeInstanceOf(LimitExceededError)
    expect(ex.fatal).toBe(e)
    expect(ex.signal.aborted).toBe(true)
    ex.dispose()
  })

  it('no timeout: infinite deadline, no timer', () => {
    vi.useFakeTimers()
    const ex = bareExecution()
    expect(ex.deadline).toBe(Number.POSITIVE_INFINITY)
    expect(vi.getTimerCount()).toBe(0)
    expect(ex.tripTimeout()).toMatchObject({ limit: 'timeout', max: 0 })
  })

  it('leaves no timer behind once disposed or ended early', () => {
    vi.useFakeTimers()
    const a = bareExecution({ timeoutMs: 1000 })
    expect(vi.getTimerCount()).toBe(0) // armed only once someone waits on the signal
    void a.signal
    expect(vi.getTimerCount()).toBe(1)
    a.dispose()
    a.dispose()
    expect(vi.getTimerCount()).toBe(0)
    const b = bareExecution({ timeoutMs: 1000 })
    void b.signal
    b.trip('instructions', 11)
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('lazy signal', () => {
  it('the timer armed late still fires at the original deadline', async () => {
    vi.useFakeTimers()
    const ex = bareExecution({ timeoutMs: 100 })
    vi.advanceTimersByTime(60)
    const signal = ex.signal
    vi.advanceTimersByTime(39)
    expect(signal.aborted).toBe(false)
    vi.advanceTimersByTime(2)
    expect(signal.aborted).toBe(true)
    expect(ex.fatal).toBeInstanceOf(LimitExceededError)
  })

  it('a caller abort is seen by check() even when nobody armed the signal', () => {
    const caller = new AbortController()
    const ex = bareExecution({}, caller.signal)
    caller.abort()
    expect(() => ex.check()).toThrow(CancelledError)
    expect(ex.signal.aborted).toBe(true)
  })
})

describe('cancellation', () => {
  it("the caller's abort ends the execution with CancelledError", () => {
    const caller = new AbortController()
    const ex = bareExecution({}, caller.signal)
    expect(ex.signal.aborted).toBe(false)
    caller.abort()
    expect(ex.fatal).toBeInstanceOf(CancelledError)
    expect(ex.signal.aborted).toBe(true)
    expect(() => ex.check()).toThrow(CancelledError)
    expect(ex.mustDiscard(new Error('anything'))).toBe(true)
  })

  it('an already aborted signal cancels at once', () => {
    const ex = bareExecution({}, AbortSignal.abort())
    expect(ex.fatal).toBeInstanceOf(CancelledError)
    expect(ex.fatal?.message).toBe('execution cancelled before it started')
  })

  it('detaches from the caller signal on dispose', () => {
    const caller = new AbortController()
    const ex = bareExecution({}, caller.signal)
    ex.dispose()
    caller.abort()
    expect(ex.fatal).toBeUndefined()
  })
})

describe('fatal errors', () => {
  it('first one wins; a later trip returns the recorded limit', () => {
    const ex = bareExecution({ instructions: 10 })
    const first = ex.trip('instructions', 11)
    expect(first.message).toBe('instructions limit exceeded (11 > 10)')
    expect(ex.trip('memory', 5)).toBe(first)
    ex.abort(new CancelledError('late'))
    expect(ex.fatal).toBe(first)
  })

  it('mustDiscard: fatal recorded or fatal error given', () => {
    const ex = bareExecution()
    expect(ex.mustDiscard(new ScriptRuntimeError('x', 'a.js'))).toBe(false)
    expect(ex.mustDiscard(new LimitExceededError('stack', 2, 1))).toBe(true)
    ex.trip('memory', 2)
    expect(ex.mustDiscard(new ScriptRuntimeError('x', 'a.js'))).toBe(true)
  })
})

describe('limit bookkeeping', () => {
  it('trip takes the maximum from the execution’s own limits', () => {
    const e = bareExecution({ memoryBytes: 64, timeoutMs: 50 }).trip('memory', 65)
    expect(e).toMatchObject({ limit: 'memory', used: 65, max: 64 })
    expect(bareExecution({ timeoutMs: 50 }).trip('timeout', 51.2)).toMatchObject({ limit: 'timeout', max: 50 })
    expect(bareExecution({ bridgeCalls: 3 }).trip('bridgeCalls', 4, 999).max).toBe(3)
    // a stack bounded in bytes trips at the depth it really reached
    expect(bareExecution({ stackDepth: 200_000 }).trip('stack', 1364, 1363)).toMatchObject({ limit: 'stack', used: 1364, max: 1363 })
  })

  it('overBudget: instructions over the limit trip instructions; a passed deadline trips timeout', () => {
    const ex = bareExecution({ instructions: 100 })
    expect(ex.overBudget(100)).toBeUndefined()
    expect(ex.overBudget(101)).toMatchObject({ limit: 'instructions', used: 101, max: 100 })
    const late = bareExecution({ timeoutMs: 50 })
    expect(late.overBudget(0, late.deadline - 1)).toBeUndefined()
    expect(late.overBudget(0, late.deadline + 1)).toMatchObject({ limit: 'timeout' })
    // a recorded fatal error is returned whatever the counts
    expect(late.overBudget(0, 0)).toBe(late.fatal)
  })

  it("overBudget: a caller's aborted signal cancels, though nothing ever listened to it", () => {
    const caller = new AbortController()
    const ex = bareExecution({ instructions: 100 }, caller.signal)
    expect(ex.overBudget(10)).toBeUndefined()
    caller.abort()
    expect(ex.overBudget(10)).toBeInstanceOf(CancelledError)
    expect(ex.fatal).toBeInstanceOf(CancelledError)
  })

  it('callHost counts a host function like a bridge call and trips past bridgeCalls', () => {
    const ex = bareExecution({ bridgeCalls: 2 })
    const seen: unknown[][] = []
    const fn = (...args: unknown[]) => seen.push(args)
    expect(ex.callHost(fn, [1, 'a'])).toBe(1)
    ex.callHost(fn, [])
    expect(ex.bridgeCalls).toBe(2)
    expect(thrown(() => ex.callHost(fn, []))).toMatchObject({ limit: 'bridgeCalls', used: 3, max: 2 })
    expect(seen).toEqual([[1, 'a'], []])
  })

  it('callHost refuses a call after the execution ended', () => {
    const ex = bareExecution()
    ex.abort(new CancelledError('gone'))
    let ran = false
    expect(thrown(() => ex.callHost(() => (ran = true), []))).toBeInstanceOf(CancelledError)
    expect(ran).toBe(false)
  })
})

describe('whenFatal', () => {
  it('tells the hook once when a fatal error is recorded; off removes only the hook it names', () => {
    const ex = bareExecution()
    let told = 0
    const hook = () => told++
    ex.whenFatal(hook)
    ex.whenFatal(() => {}, true)
    ex.abort(new CancelledError('gone'))
    ex.abort(new CancelledError('again'))
    expect(told).toBe(1)
    const other = bareExecution()
    other.whenFatal(hook)
    other.whenFatal(hook, true)
    expect(other.trip('output', 10)).toBeInstanceOf(LimitExceededError)
    expect(told).toBe(1)
  })

  it('is told of a timeout its deadline timer trips', () => {
    vi.useFakeTimers()
    const ex = bareExecution({ timeoutMs: 50 })
    let told: Error | undefined
    ex.whenFatal(() => (told = ex.fatal))
    void ex.signal
    vi.advanceTimersByTime(60)
    expect(told).toMatchObject({ limit: 'timeout' })
    ex.dispose()
  })
})
