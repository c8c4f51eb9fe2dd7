import { createHost, type Host, LimitExceededError } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'

// Scripts that ran past their limits without ever reaching a check: the count hook fires
// every 1,000 instructions, and (1) two coroutines switching every few instructions each
// restarted that count, (2) a loop of a few instructions ran hundreds of O(length) string
// builtins between two hooks. Each loop here is bounded, so a broken check shows as a
// finished loop (or a late trip), not as a hung test.

const MiB = 1024 * 1024
const LIMIT_MS = 150
/** Past the limit, generous for a loaded 2-core machine; the broken cases took 2-10 s here. */
const SLACK_MS = 1_500

let host: Host
beforeAll(async () => {
  host = await createHost({ engines: [luaEngine()], limits: { memoryBytes: 128 * MiB, instructions: false }, pool: { min: 1, max: 1 } })
})
afterAll(() => host.close())

async function trips(source: string, limits: { timeoutMs?: number; instructions?: number }): Promise<LimitExceededError> {
  const started = performance.now()
  const e = await host.execute({ language: 'lua', source, limits }).then(
    (r) => r.value,
    (x: unknown) => x,
  )
  expect(e).toBeInstanceOf(LimitExceededError)
  expect(performance.now() - started).toBeLessThan((limits.timeoutMs ?? LIMIT_MS) + SLACK_MS)
  return e as LimitExceededError
}

const PING_PONG =
  'local co = coroutine.wrap(function() while true do coroutine.yield() end end) for i = 1, 3e5 do co() end return "finished"'

describe('coroutines switching every few instructions', () => {
  it('reach the deadline check', async () => {
    expect((await trips(PING_PONG, { timeoutMs: LIMIT_MS })).limit).toBe('timeout')
  })

  it('reach the instruction limit', async () => {
    const e = await trips(PING_PONG, { instructions: 100_000 })
    expect(e.limit).toBe('instructions')
    expect(e.used).toBeLessThanOrEqual(100_001)
  })
})

describe('string builtins of O(length) work in a short loop stop at the deadline', () => {
  const setup = "local s = string.rep('1', 2e7) local u = string.rep('1', 2e7 - 1) .. '2' "
  const cases: [string, string][] = [
    ['s == u', 'local x = (s == u)'],
    ['tonumber of a long numeral', 'local x = tonumber(s)'],
    ['tonumber of a long non-numeral', "local x = tonumber(u .. 'x')"],
    ['s:reverse()', 'local x = s:reverse()'],
    ['s .. x', "local x = s .. 'a'"],
    ['s:sub(2)', 'local x = s:sub(2)'],
    ["string.format('%s', s)", "local x = string.format('%s', s)"],
  ]
  for (const [name, body] of cases) {
    it(name, async () => {
      // the set-up (two 20 MB strings) is outside the limit's reach only if it is quick: allow it
      // 3,000 rounds: 2-100 s of work unchecked, ~1 s with a check after each builtin
      const e = await trips(`${setup} for i = 1, 3000 do ${body} end return 'finished'`, { timeoutMs: 1_000 })
      expect(e.limit).toBe('timeout')
    })
  }
})

describe('the host stays correct', () => {
  it('after the trips above', async () => {
    const r = await host.execute({
      language: 'lua',
      source: 'local co = coroutine.wrap(function() coroutine.yield(1) return 2 end) return co() + co()',
    })
    expect(r.value).toBe(3)
  })
})
