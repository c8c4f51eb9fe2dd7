import { createHost, type Host, LimitExceededError } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'

// Lua 5.1's table.foreach/foreachi call f once per entry from one host loop. With a host
// function as f (math.randomseed returns nothing, so the walk never stops early) no
// instruction runs at all: 2e5 entries took 0.27-0.42 s a call with no step, no instruction
// and no deadline check, and a loop of such calls ran on for seconds past a 200 ms limit.
// Each entry is now a step (as table.maxn's walk is). Their results are checked against
// lua5.1 in src/lua51-library.test.ts.

const N = 200_000
// built once by init (trusted, unlimited): the executions below only read it
const INIT = `big = {} for i = 1, ${N} do big[i] = i end api = ...  api.readonly(big)`
const WALKS: [string, string][] = [
  ['table.foreachi', 'table.foreachi(big, math.randomseed)'],
  ['table.foreach', 'table.foreach(big, math.randomseed)'],
]

let host: Host
beforeAll(async () => {
  host = await createHost({ engines: [luaEngine({ numbers: 'lua51', init: INIT })], policy: 'standard', pool: { min: 1, max: 1 } })
}, 120_000)
afterAll(() => host?.close())

async function timed(source: string, limits: { timeoutMs?: number; instructions?: number }) {
  const started = performance.now()
  const error = await host.execute({ language: 'lua', source, limits }).then(
    () => undefined,
    (e: unknown) => e,
  )
  return { error, ms: performance.now() - started }
}

describe('table.foreach/foreachi with a host function as f are counted', () => {
  for (const [name, walk] of WALKS) {
    it(`${name}: a loop of walks ends at a 200 ms limit`, { timeout: 120_000 }, async () => {
      await timed('return 1', {}) // a warm state: the time bounded is the walk's
      // before: 20 calls of 0.2-0.4 s each with no check between (3.8-4.5 s, ended only after the loop)
      const o = await timed(`for k = 1, 20 do ${walk} end`, { timeoutMs: 200 })
      expect(o.error).toBeInstanceOf(LimitExceededError)
      expect((o.error as LimitExceededError).limit).toBe('timeout')
      expect(o.ms).toBeLessThan(1_500)
    })

    it(`${name}: each entry counts against the instruction limit`, { timeout: 120_000 }, async () => {
      const max = 50_000
      const o = await timed(walk, { instructions: max, timeoutMs: 5_000 })
      expect(o.error).toMatchObject({ limit: 'instructions', max })
      expect((o.error as LimitExceededError).used).toBeLessThanOrEqual(max + 1)
    })
  }
})
