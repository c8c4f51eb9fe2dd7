import { afterEach, describe, expect, it, vi } from 'vitest'
import { BridgeRegistry, defineBridge } from './bridges.js'
import { BridgeError, CancelledError, LimitExceededError } from './errors.js'
import { LOG_LINE_BYTES } from './log-bytes.js'
import { bareExecution, thrown } from '../test/fixtures/bare-execution.js'
import { slowBridge } from '../test/fixtures/kv-bridge.js'

afterEach(() => {
  vi.useRealTimers()
})

describe('logs and output cap', () => {
  it('captures lines with level and time, counting UTF-8 bytes plus the line itself', () => {
    const ex = bareExecution()
    ex.log('info', 'héllo')
    ex.log('error', '😀')
    ex.log('warn', 'x'.repeat(2000))
    expect(ex.logs.map((l) => l.level)).toEqual(['info', 'error', 'warn'])
    expect(ex.outputBytes).toBe(6 + 4 + 2000 + 3 * LOG_LINE_BYTES)
    expect(typeof ex.logs[0]?.at).toBe('number')
  })

  it('an empty line counts too: a loop of them ends at the output limit, not at the host heap', () => {
    const ex = bareExecution({ outputBytes: 100 * LOG_LINE_BYTES })
    const e = thrown(() => {
      for (let i = 0; i < 1_000_000; i++) ex.log('info', '')
    })
    expect(e).toMatchObject({ limit: 'output' })
    expect(ex.logs).toHaveLength(100)
  })

  it('trips the output limit and drops the line that crossed it', () => {
    const line = 5 + LOG_LINE_BYTES
    const ex = bareExecution({ outputBytes: 2 * line })
    ex.log('info', '12345')
    ex.log('info', '12345')
    const e = thrown(() => ex.log('info', '1'))
    expect(e).toBeInstanceOf(LimitExceededError)
    expect(e).toMatchObject({ limit: 'output', used: 2 * line + 1 + LOG_LINE_BYTES, max: 2 * line })
    expect(ex.logs).toHaveLength(2)
    expect(ex.signal.aborted).toBe(true)
    expect(() => ex.log('info', '')).toThrow(LimitExceededError)
  })
})

describe('race', () => {
  it('settles like the promise while the execution lives', async () => {
    const ex = bareExecution()
    await expect(ex.race(Promise.resolve(5))).resolves.toBe(5)
    await expect(ex.race(Promise.reject(new Error('x')))).rejects.toThrow('x')
  })

  it('rejects with the fatal error as soon as the execution ends', async () => {
    const ex = bareExecution()
    const never = new Promise<number>(() => {})
    const raced = ex.race(never)
    ex.trip('memory', 2)
    await expect(raced).rejects.toBeInstanceOf(LimitExceededError)
    await expect(ex.race(Promise.resolve(1))).rejects.toBe(ex.fatal)
  })

  it('a promise raced after the end may still reject without an unhandled rejection', async () => {
    const ex = bareExecution()
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
    bridges.register(slowBridge((signal) => (handlerSignal = signal)))
    const ex = bareExecution({ timeoutMs: 50 }, undefined, bridges)
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
    const ex = bareExecution({}, caller.signal, bridges)
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
    const ex = bareExecution({}, undefined, bridges)
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
      const ex = bareExecution({ timeoutMs: 2 })
      now.mockReturnValue(1002.23)
      const e = thrown(() => ex.check()) as LimitExceededError
      expect([e.used, e.max, e.message]).toEqual([2.3, 2, 'timeout limit exceeded (2.3 > 2)'])
    } finally {
      now.mockRestore()
    }
  })

  it('callBridge after the end throws the fatal error, not a BridgeError', () => {
    const ex = bareExecution()
    ex.trip('instructions', 2)
    const e = thrown(() => ex.callBridge('any.thing', []))
    expect(e).toBeInstanceOf(LimitExceededError)
    expect(e).not.toBeInstanceOf(BridgeError)
  })
})

describe('result', () => {
  it('builds the result with stats', () => {
    const ex = bareExecution()
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
      outputBytes: 2 + LOG_LINE_BYTES,
      compileCacheHit: true,
      engine: 'fake',
    })
    expect(r.stats.durationMs).toBeGreaterThanOrEqual(0)
    expect(ex.result(1).values).toEqual([1])
  })

  it('throws the fatal error instead of a result', () => {
    const ex = bareExecution()
    ex.abort(new CancelledError('stop'))
    expect(() => ex.result(1)).toThrow(CancelledError)
  })
})
