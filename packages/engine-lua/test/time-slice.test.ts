import { CancelledError, createHost, type Host, LimitExceededError } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'
import { watchEventLoop } from '@polyhost/core/testing'

/**
 * Inline time slicing: a busy Lua script yields to the event loop between slices, so
 * timers and AbortSignals run while it spins. Bounds are generous (a loaded 2-core box)
 * but far below what an unsliced run shows (the whole 1 s limit).
 */
const LIMITS = { timeoutMs: 1_000, instructions: 1e12 }
const SPIN = 'while true do end'
const MAX_GAP_MS = 400
const ABORT_MARGIN_MS = 400

let sliced: Host
let unsliced: Host
beforeAll(async () => {
  sliced = await createHost({ engines: [luaEngine()], limits: LIMITS, pool: { min: 1 } })
  unsliced = await createHost({ engines: [luaEngine({ timeSliceMs: false })], limits: LIMITS, pool: { min: 1 } })
})
afterAll(async () => {
  await sliced.close()
  await unsliced.close()
})

/** Runs the spin under a 1 ms interval; returns the largest gap between ticks and the count. */
async function spinWithInterval(host: Host): Promise<{ gap: number; ticks: number; error: unknown }> {
  const { error, stallMs, ticks } = await watchEventLoop(host.execute({ language: 'lua', source: SPIN }), 1)
  return { gap: stallMs, ticks, error }
}

async function abortAt100(host: Host): Promise<{ late: number; error: unknown }> {
  const ac = new AbortController()
  let abortedAt = 0
  setTimeout(() => {
    abortedAt = performance.now()
    ac.abort()
  }, 100)
  const error = await host.execute({ language: 'lua', source: SPIN, signal: ac.signal }).then(
    () => undefined,
    (e: unknown) => e,
  )
  return { late: performance.now() - (abortedAt || performance.now()), error }
}

describe('inline Lua time slicing', () => {
  it('without slicing a busy script starves a 1 ms interval for its whole limit', async () => {
    const r = await spinWithInterval(unsliced)
    expect(r.error).toBeInstanceOf(LimitExceededError)
    expect(r.gap).toBeGreaterThan(900)
  })

  it('with the default slice a 1 ms interval keeps firing while `while true do end` runs', async () => {
    const r = await spinWithInterval(sliced)
    expect(r.error).toBeInstanceOf(LimitExceededError)
    expect((r.error as LimitExceededError).limit).toBe('timeout')
    console.info(`time slicing: largest interval gap ${r.gap.toFixed(1)} ms, ${r.ticks} ticks in 1 s`)
    expect(r.gap).toBeLessThan(MAX_GAP_MS)
    expect(r.ticks).toBeGreaterThan(1_000 / MAX_GAP_MS)
  })

  it('an AbortSignal aborted at 100 ms ends the busy script with CancelledError promptly', async () => {
    const r = await abortAt100(sliced)
    expect(r.error).toBeInstanceOf(CancelledError)
    console.info(`time slicing: CancelledError ${r.late.toFixed(1)} ms after abort`)
    expect(r.late).toBeLessThan(ABORT_MARGIN_MS)
  })

  it('the abort is seen on a warm pooled state too, where nothing waited for a state and armed the signal', async () => {
    // the previous test's state was discarded: this execution makes one, the next finds it idle
    await sliced.execute({ language: 'lua', source: 'return 1' })
    await sliced.execute({ language: 'lua', source: 'return 2' })
    const r = await abortAt100(sliced)
    expect(r.error).toBeInstanceOf(CancelledError)
    expect(r.late).toBeLessThan(ABORT_MARGIN_MS)
  })

  it('executions interleave: a short script finishes while a busy one spins', async () => {
    const busy = sliced.execute({ language: 'lua', source: SPIN }).catch((e: unknown) => e)
    const started = performance.now()
    const quick = await sliced.execute({ language: 'lua', source: 'return 6 * 7' })
    expect(quick.value).toBe(42)
    expect(performance.now() - started).toBeLessThan(900)
    expect(await busy).toBeInstanceOf(LimitExceededError)
  })

  it('results and instruction counts are unchanged by slicing', async () => {
    // long enough for several slices on a fast machine, well inside the 1 s limit on a slow one
    const src = 'local s = 0 for i = 1, 400000 do s = s + i % 7 end return s'
    const a = await sliced.execute({ language: 'lua', source: src })
    const b = await unsliced.execute({ language: 'lua', source: src })
    expect(a.value).toBe(b.value)
    expect(Math.abs(a.stats.instructions - b.stats.instructions)).toBeLessThan(b.stats.instructions * 0.001)
  })

  it('a busy loop inside a script-made coroutine is sliced too, nested and through wrap', async () => {
    for (const source of [
      `coroutine.wrap(function() ${SPIN} end)()`,
      `local co = coroutine.create(function() coroutine.wrap(function() ${SPIN} end)() end) coroutine.resume(co)`,
      `for _ in coroutine.wrap(function() ${SPIN} end) do end`,
    ]) {
      const ac = new AbortController()
      let abortedAt = 0
      setTimeout(() => {
        abortedAt = performance.now()
        ac.abort()
      }, 100)
      const { error, stallMs: gap } = await watchEventLoop(sliced.execute({ language: 'lua', source, signal: ac.signal }), 1)
      expect(error, source).toBeInstanceOf(CancelledError)
      expect(performance.now() - abortedAt, source).toBeLessThan(ABORT_MARGIN_MS)
      expect(gap, source).toBeLessThan(MAX_GAP_MS)
    }
  })

  it('coroutines see nothing of the slices: values, errors, statuses and instruction counts as unsliced', async () => {
    // a generous limit: on a loaded machine this work takes several 1 s slices' worth
    const fine = await createHost({ engines: [luaEngine({ timeSliceMs: 1 })], limits: { ...LIMITS, timeoutMs: 20_000 } })
    const whole = await createHost({ engines: [luaEngine({ timeSliceMs: false })], limits: { ...LIMITS, timeoutMs: 20_000 } })
    try {
      const src = `
        local function busy(n) local s = 0 for i = 1, n do s = s + i % 3 end return s end
        local out = {}
        local gen = coroutine.wrap(function() for i = 1, 4 do coroutine.yield(i, busy(60000)) end return 'done' end)
        for _ = 1, 5 do local a, b = gen() out[#out + 1] = tostring(a) .. ':' .. tostring(b) end
        local co = coroutine.create(function(x)
          local inner = coroutine.create(function(y) busy(80000) local z = coroutine.yield(y * 2) busy(80000) error({ code = z }) end)
          local _, v = coroutine.resume(inner, x)
          local ok2, e = coroutine.resume(inner, v + 1)
          local w = coroutine.yield(v, ok2, e.code, coroutine.status(inner))
          busy(50000)
          return w
        end)
        for _, arg in ipairs({ 10, 'w' }) do out[#out + 1] = table.concat({ tostring(select(2, coroutine.resume(co, arg))) }, ',') end
        out[#out + 1] = tostring(select(2, pcall(coroutine.wrap(function() busy(80000) error('boom') end))))
        out[#out + 1] = tostring(coroutine.resume(co)) .. ' ' .. coroutine.status(co)
        return table.concat(out, ' | ')`
      const a = await fine.execute({ language: 'lua', source: src })
      const b = await whole.execute({ language: 'lua', source: src })
      expect(a.value).toBe(b.value)
      // a slice passed up through a generic for's iterator counts its loop instruction once more
      expect(Math.abs(a.stats.instructions - b.stats.instructions)).toBeLessThan(b.stats.instructions * 0.001)
    } finally {
      await fine.close()
      await whole.close()
    }
  })

  it('rejects a bad timeSliceMs with a clear error', async () => {
    const made = createHost({ engines: [luaEngine({ timeSliceMs: -1 })] })
    await made.then(
      (h) => h.close(),
      () => undefined,
    )
    await expect(made).rejects.toThrow(/timeSliceMs/)
  })
})
