import { createHost, type Host, LimitExceededError } from '@polyhost/core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'

/**
 * One test per case: the chunk (its builtin work far over `max` instructions, its VM work
 * well under) ends with LimitExceededError('instructions') at most one step past `max`. For
 * builtin-limits and uncounted-work; call inside a describe.
 */
export function tripsAtInstructionLimit(cases: readonly (readonly [string, string])[], max: number): void {
  let host: Host
  beforeAll(async () => {
    host = await createHost({ engines: [luaEngine()], limits: { instructions: max, timeoutMs: 30_000, memoryBytes: 256 * 1024 * 1024 } })
  })
  afterAll(() => host.close())
  for (const [name, source] of cases) {
    it(name, async () => {
      const e = await host.execute({ language: 'lua', source: `${source} return 1` }).catch((x: unknown) => x)
      expect(e).toBeInstanceOf(LimitExceededError)
      expect(e).toMatchObject({ limit: 'instructions', max })
      expect((e as LimitExceededError).used).toBeLessThanOrEqual(max + 1)
    })
  }
}
