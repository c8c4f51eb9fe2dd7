import { createHost, type Host, LimitExceededError, type Limits } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'

/**
 * Hostile scripts: each must end with LimitExceededError naming the right limit, within its
 * limit plus a generous margin (the box may be loaded), and leave the host able to run the
 * next script correctly.
 */
const MiB = 1024 * 1024
const BASE: Limits = { instructions: 20_000_000, timeoutMs: 4_000, memoryBytes: 16 * MiB, outputBytes: 64 * 1024, stackDepth: 100 }
const MARGIN_MS = 6_000

let host: Host
beforeAll(async () => {
  host = await createHost({ engines: [luaEngine()], limits: BASE, pool: { min: 1, max: 2 } })
})
afterAll(() => host.close())

async function expectTrip(source: string, limit: LimitExceededError['limit'], limits: Limits = {}): Promise<LimitExceededError> {
  const started = performance.now()
  const error = await host.execute({ language: 'lua', source, name: 'runaway.lua', limits }).then(
    () => undefined,
    (e: unknown) => e,
  )
  const elapsed = performance.now() - started
  expect(error).toBeInstanceOf(LimitExceededError)
  const e = error as LimitExceededError
  expect(e.limit).toBe(limit)
  const timeout = (limits.timeoutMs ?? BASE.timeoutMs) as number
  expect(elapsed).toBeLessThan(timeout + MARGIN_MS)
  if (limit === 'instructions') expect(e.used).toBeLessThanOrEqual(e.max + 1)
  // the host is healthy and the next execution is correct
  const next = await host.execute({ language: 'lua', source: 'local t = {} for i = 1, 10 do t[i] = i end return #t, ("ab"):rep(2)' })
  expect(next.values).toEqual([10, 'abab'])
  return e
}

describe('runaway scripts are stopped', () => {
  it('an infinite loop (instructions)', async () => {
    await expectTrip('while true do end', 'instructions', { instructions: 1_000_000 })
  })

  it('an infinite loop (timeout, no instruction limit)', async () => {
    const h = await createHost({ engines: [luaEngine()], limits: { ...BASE, instructions: false, timeoutMs: 300 } })
    const started = performance.now()
    const e = await h.execute({ language: 'lua', source: 'local i = 0 while true do i = i + 1 end' }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(LimitExceededError)
    expect((e as LimitExceededError).limit).toBe('timeout')
    expect(performance.now() - started).toBeLessThan(300 + MARGIN_MS)
    await h.close()
  })

  it('pcall(error) in a loop inside a coroutine', async () => {
    const src = 'local co = coroutine.create(function() while true do pcall(error, "x") end end)\ncoroutine.resume(co)\nwhile true do end'
    // each pcall(error) costs a JS exception: on a busy machine 200,000 instructions took 4 s of wall time
    await expectTrip(src, 'instructions', { instructions: 50_000 })
  })

  it('an error caught inside a coroutine does not switch the hook off (timeout only)', async () => {
    const h = await createHost({ engines: [luaEngine()], limits: { ...BASE, instructions: false, timeoutMs: 300 } })
    const src = 'local co = coroutine.wrap(function() pcall(error, "x") while true do end end)\nco()'
    const e = await h.execute({ language: 'lua', source: src }).catch((x: unknown) => x)
    expect((e as LimitExceededError).limit).toBe('timeout')
    await h.close()
  })

  it('a loop in coroutine.wrap, errors swallowed by pcall around it', async () => {
    const src = 'local f = coroutine.wrap(function() while true do end end)\nwhile true do pcall(f) end'
    await expectTrip(src, 'instructions', { instructions: 1_000_000 })
  })

  it('deep recursion (stack)', async () => {
    const e = await expectTrip('local function r(n) return 1 + r(n + 1) end\nwhile true do pcall(r, 1) end', 'stack')
    expect(e.max).toBe(100)
  })

  it('string doubling (memory, checked before the allocation)', async () => {
    const e = await expectTrip('local s = "x" while true do s = s .. s end', 'memory')
    expect(e.used).toBeLessThan(3 * e.max)
  })

  it('string.rep(s, 2^30)', async () => {
    await expectTrip('local s = string.rep("a", 2^30) return #s', 'memory')
  })

  it('table growth', async () => {
    await expectTrip('local t, i = {}, 0 while true do i = i + 1 t[i] = i end', 'memory')
  })

  it('a pattern-matching backtracking bomb', async () => {
    await expectTrip('return string.find(string.rep("a", 20000), ".-.-.-.-b")', 'instructions')
  })

  it('a pattern-matching bomb with only a deadline', async () => {
    const h = await createHost({ engines: [luaEngine()], limits: { ...BASE, instructions: false, timeoutMs: 300 } })
    const e = await h
      .execute({ language: 'lua', source: 'return string.find(string.rep("a", 20000), ".-.-.-.-b")' })
      .catch((x: unknown) => x)
    expect((e as LimitExceededError).limit).toBe('timeout')
    await h.close()
  })

  it('table.sort of a huge table', async () => {
    const src = 'local t = {} for i = 1, 70000 do t[i] = (i * 7919) % 100003 end\ntable.sort(t)\nreturn t[1]'
    const e = await expectTrip(src, 'instructions', { instructions: 1_500_000 })
    expect(e.used).toBeGreaterThan(1_000_000)
  })

  it('a 10 MB string used as table keys', async () => {
    const src = 'local s = string.rep("k", 10 * 1024 * 1024)\nlocal t = {}\nfor i = 1, 1000 do t[s .. i] = i end'
    await expectTrip(src, 'memory')
  })

  it('an output flood', async () => {
    await expectTrip('while true do pcall(print, string.rep("x", 1000)) end', 'output')
  })

  it('a flood of coroutines', async () => {
    await expectTrip('local t = {} while true do t[#t + 1] = coroutine.create(print) end', 'memory')
  })

  it('table.move over 2^31 slots', async () => {
    await expectTrip('table.move({}, 1, 2147483000, 1)', 'instructions', { instructions: 500_000 })
  })
})
