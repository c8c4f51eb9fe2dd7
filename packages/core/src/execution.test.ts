import { type ResolvedLimits, SecurityManager } from '@polyhost/security'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { BridgeRegistry, defineBridge } from './bridges.js'
import { BridgeError, CancelledError, LimitExceededError, ScriptRuntimeError } from './errors.js'
import { Execution } from './execution.js'

const security = SecurityManager.resolve('standard')
const NO_LIMITS: ResolvedLimits = {
  instructions: false,
  timeoutMs: false,
  memoryBytes: false,
  stackDepth: false,
  bridgeCalls: false,
  outputBytes: false,
  sourceBytes: false,
}

function make(limits: Partial<ResolvedLimits> = {}, signal?: AbortSignal, bridges = new BridgeRegistry()) {
  return new Execution({
    engine: 'fake',
    language: 'js',
    scriptName: 'a.js',
    tenant: undefined,
    context: {},
    limits: { ...NO_LIMITS, ...limits },
    bridges,
    security,
    compileCacheHit: true,
    signal,
  })
}

function thrown(fn: () => unknown): unknown {
  try {
    fn()
  } catch (e) {
    return e
  }
  throw new Error('expected a throw')
}

afterEach(() => {
  vi.useRealTimers()
})

describe('timeout', () => {
  it('trips at the deadline: aborts the signal with a LimitExceededError', () => {
    vi.useFakeTimers()
    const ex = make({ timeoutMs: 100 })
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
    const ex = make({ timeoutMs: 1 })
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
    const ex = make()
    expect(ex.deadline).toBe(Number.POSITIVE_INFINITY)
    expect(vi.getTimerCount()).toBe(0)
    expect(ex.tripTimeout()).toMatchObject({ limit: 'timeout', max: 0 })
  })

  it('leaves no timer behind once disposed or ended early', () => {
    vi.useFakeTimers()
    const a = make({ timeoutMs: 1000 })
    expect(vi.getTimerCount()).toBe(0) // armed only once someone waits on the signal
    void a.signal
    expect(vi.getTimerCount()).toBe(1)
    a.dispose()
    a.dispose()
    expect(vi.getTimerCount()).toBe(0)
    const b = make({ timeoutMs: 1000 })
    void b.signal
    b.trip('instructions', 11)
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('lazy signal', () => {
  it('the timer armed late still fires at the original deadline', async () => {
    vi.useFakeTimers()
    const ex = make({ timeoutMs: 100 })
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
    const ex = make({}, caller.signal)
    caller.abort()
    expect(() => ex.check()).toThrow(CancelledError)
    expect(ex.signal.aborted).toBe(true)
  })
})

describe('cancellation', () => {
  it("the caller's abort ends the execution with CancelledError", () => {
    const caller = new AbortController()
    const ex = make({}, caller.signal)
    expect(ex.signal.aborted).toBe(false)
    caller.abort()
    expect(ex.fatal).toBeInstanceOf(CancelledError)
    expect(ex.signal.aborted).toBe(true)
    expect(() => ex.check()).toThrow(CancelledError)
    expect(ex.mustDiscard(new Error('anything'))).toBe(true)
  })

  it('an already aborted signal cancels at once', () => {
    const ex = make({}, AbortSignal.abort())
    expect(ex.fatal).toBeInstanceOf(CancelledError)
    expect(ex.fatal?.message).toBe('execution cancelled before it started')
  })

  it('detaches from the caller signal on dispose', () => {
    const caller = new AbortController()
    const ex = make({}, caller.signal)
    ex.dispose()
    caller.abort()
    expect(ex.fatal).toBeUndefined()
  })
})

describe('fatal errors', () => {
  it('first one wins; a later trip returns the recorded limit', () => {
    const ex = make({ instructions: 10 })
    const first = ex.trip('instructions', 11)
    expect(first.message).toBe('instructions limit exceeded (11 > 10)')
    expect(ex.trip('memory', 5)).toBe(first)
    ex.abort(new CancelledError('late'))
    expect(ex.fatal).toBe(first)
  })

  it('mustDiscard: fatal recorded or fatal error given', () => {
    const ex = make()
    expect(ex.mustDiscard(new ScriptRuntimeError('x', 'a.js'))).toBe(false)
    expect(ex.mustDiscard(new LimitExceededError('stack', 2, 1))).toBe(true)
    ex.trip('memory', 2)
    expect(ex.mustDiscard(new ScriptRuntimeError('x', 'a.js'))).toBe(true)
  })
})

describe('limit bookkeeping', () => {
  it('trip takes the maximum from the execution’s own limits', () => {
    const e = make({ memoryBytes: 64, timeoutMs: 50 }).trip('memory', 65)
    expect(e).toMatchObject({ limit: 'memory', used: 65, max: 64 })
    expect(make({ timeoutMs: 50 }).trip('timeout', 51.2)).toMatchObject({ limit: 'timeout', max: 50 })
    expect(make({ bridgeCalls: 3 }).trip('bridgeCalls', 4, 999).max).toBe(3)
    // a stack bounded in bytes trips at the depth it really reached
    expect(make({ stackDepth: 200_000 }).trip('stack', 1364, 1363)).toMatchObject({ limit: 'stack', used: 1364, max: 1363 })
  })

  it('overBudget: instructions reaching the limit trip instructions; a passed deadline trips timeout', () => {
    const ex = make({ instructions: 100 })
    expect(ex.overBudget(99)).toBeUndefined()
    expect(ex.overBudget(100)).toMatchObject({ limit: 'instructions', used: 100, max: 100 })
    const late = make({ timeoutMs: 50 })
    expect(late.overBudget(0, late.deadline - 1)).toBeUndefined()
    expect(late.overBudget(0, late.deadline + 1)).toMatchObject({ limit: 'timeout' })
    // a recorded fatal error is returned whatever the counts
    expect(late.overBudget(0, 0)).toBe(late.fatal)
  })

  it('callHost counts a host function like a bridge call and trips past bridgeCalls', () => {
    const ex = make({ bridgeCalls: 2 })
    const seen: unknown[][] = []
    const fn = (...args: unknown[]) => seen.push(args)
    expect(ex.callHost(fn, [1, 'a'])).toBe(1)
    ex.callHost(fn, [])
    expect(ex.bridgeCalls).toBe(2)
    expect(thrown(() => ex.callHost(fn, []))).toMatchObject({ limit: 'bridgeCalls', used: 3, max: 2 })
    expect(seen).toEqual([[1, 'a'], []])
  })

  it('callHost refuses a call after the execution ended', () => {
    const ex = make()
    ex.abort(new CancelledError('gone'))
    let ran = false
    expect(thrown(() => ex.callHost(() => (ran = true), []))).toBeInstanceOf(CancelledError)
    expect(ran).toBe(false)
  })
})

describe('logs and output cap', () => {
  it('captures lines with level and time, counting UTF-8 bytes', () => {
    const ex = make()
    ex.log('info', 'héllo')
    ex.log('error', '😀')
    ex.log('warn', 'x'.repeat(2000))
    expect(ex.logs.map((l) => l.level)).toEqual(['info', 'error', 'warn'])
    expect(ex.outputBytes).toBe(6 + 4 + 2000)
    expect(typeof ex.logs[0]?.at).toBe('number')
  })

  it('trips the output limit and drops the line that crossed it', () => {
    const ex = make({ outputBytes: 10 })
    ex.log('info', '12345')
    ex.log('info', '12345')
    const e = thrown(() => ex.log('info', '1'))
    expect(e).toBeInstanceOf(LimitExceededError)
    expect(e).toMatchObject({ limit: 'output', used: 11, max: 10 })
    expect(ex.logs).toHaveLength(2)
    expect(ex.signal.aborted).toBe(true)
    expect(() => ex.log('info', '')).toThrow(LimitExceededError)
  })
})

describe('race', () => {
  it('settles like the promise while the execution lives', async () => {
    const ex = make()
    await expect(ex.race(Promise.resolve(5))).resolves.toBe(5)
    await expect(ex.race(Promise.reject(new Error('x')))).rejects.toThrow('x')
  })

  it('rejects with the fatal error as soon as the execution ends', async () => {
    const ex = make()
    const never = new Promise<number>(() => {})
    const raced = ex.race(never)
    ex.trip('memory', 2)
    await expect(raced).rejects.toBeInstanceOf(LimitExceededError)
    await expect(ex.race(Promise.resolve(1))).rejects.toBe(ex.fatal)
  })

  it('a promise raced after the end may still reject without an unhandled rejection', async () => {
    const ex = make()
    ex.trip('memory', 2)
    const unhandled: unknown[] = []
    const onUnhandled = (e: unknown) => unhandled.push(e)
    process.on('unhandledRejection', onUnhandled)
    try {
      let fail!: (e: Error) => void
      const late = new Promise<number>((_, reject) => {
        fail = reject
      })
      await expect(ex.race(late)).rejects.toBe(ex.fatal)
      fail(new Error('late'))
      await new Promise((r) => setTimeout(r, 10))
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })

  it('an in-flight async bridge call ends on timeout and its handler sees the signal', async () => {
    vi.useFakeTimers()
    const bridges = new BridgeRegistry()
    let handlerSignal: AbortSignal | undefined
    bridges.register(
      defineBridge({
        name: 'slow',
        methods: {
          wait: {
            args: [z.number()],
            handler: (ctx, ms) => {
              handlerSignal = ctx.signal
              return new Promise((resolve) => setTimeout(resolve, ms))
            },
          },
        },
      }),
    )
    const ex = make({ timeoutMs: 50 }, undefined, bridges)
    const call = ex.callBridge('slow.wait', [10_000]) as Promise<unknown>
    const settled = expect(call).rejects.toMatchObject({ limit: 'timeout' })
    await vi.advanceTimersByTimeAsync(60)
    await settled
    expect(handlerSignal?.aborted).toBe(true)
  })

  it('a caller abort rejects an in-flight bridge call with CancelledError', async () => {
    const bridges = new BridgeRegistry()
    bridges.register(defineBridge({ name: 'hang', methods: { x: { args: [], handler: () => new Promise(() => {}) } } }))
    const caller = new AbortController()
    const ex = make({}, caller.signal, bridges)
    const call = ex.callBridge('hang.x', []) as Promise<unknown>
    caller.abort()
    await expect(call).rejects.toBeInstanceOf(CancelledError)
  })

  it('refuseAsync refuses handlers declared async before they run, and only those', () => {
    const ran: string[] = []
    const bridges = new BridgeRegistry()
    bridges.register(
      defineBridge({
        name: 'm',
        methods: {
          later: {
            args: [],
            handler: async () => {
              ran.push('later')
            },
          },
          now: { args: [], handler: () => ran.push('now') },
        },
      }),
    )
    const ex = make({}, undefined, bridges)
    const e = thrown(() => ex.callBridge('m.later', [], 'not here'))
    expect(e).toBeInstanceOf(BridgeError)
    expect((e as Error).message).toBe('m.later: not here')
    expect(ex.callBridge('m.now', [], 'not here')).toBe(1)
    expect(ran).toEqual(['now'])
    expect(ex.bridgeCalls).toBe(2)
  })

  it('a timeout reports the time used above the limit, never rounded down to it', () => {
    const now = vi.spyOn(performance, 'now').mockReturnValue(1000)
    try {
      const ex = make({ timeoutMs: 2 })
      now.mockReturnValue(1002.23)
      const e = thrown(() => ex.check()) as LimitExceededError
      expect([e.used, e.max, e.message]).toEqual([2.3, 2, 'timeout limit exceeded (2.3 > 2)'])
    } finally {
      now.mockRestore()
    }
  })

  it('callBridge after the end throws the fatal error, not a BridgeError', () => {
    const ex = make()
    ex.trip('instructions', 2)
    const e = thrown(() => ex.callBridge('any.thing', []))
    expect(e).toBeInstanceOf(LimitExceededError)
    expect(e).not.toBeInstanceOf(BridgeError)
  })
})

describe('result', () => {
  it('builds the result with stats', () => {
    const ex = make()
    ex.instructions = 42
    ex.memoryBytes = 1024
    ex.log('info', 'hi')
    const r = ex.result('v', ['v', 2])
    expect(r.value).toBe('v')
    expect(r.values).toEqual(['v', 2])
    expect(r.logs).toHaveLength(1)
    expect(r.stats).toMatchObject({
      instructions: 42,
      memoryBytes: 1024,
      bridgeCalls: 0,
      outputBytes: 2,
      compileCacheHit: true,
      engine: 'fake',
    })
    expect(r.stats.durationMs).toBeGreaterThanOrEqual(0)
    expect(ex.result(1).values).toEqual([1])
  })

  it('throws the fatal error instead of a result', () => {
    const ex = make()
    ex.abort(new CancelledError('stop'))
    expect(() => ex.result(1)).toThrow(CancelledError)
  })
})
