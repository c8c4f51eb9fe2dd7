import { createHost, type Host, LimitExceededError, type Limits } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'
import { CATCHERS, TRIP_KINDS, tripScript } from './trip-scripts.js'

/**
 * A limit trip ends the execution even when the script catches errors in a loop around the
 * tripping function (pcall, xpcall with a handler that loops and allocates, coroutines,
 * gsub and sort callbacks, load's reader, metamethods): promptly, with the limit's
 * LimitExceededError, inline and in a worker, in both number modes. Caught as a Lua error, a
 * trip was raised again from inside its own message ~700 levels deep each time (13-220 ms a
 * trip), and raised once but catchable, a pcall loop ran for minutes. Worker-mode cases use
 * dist/ (`pnpm --filter @polyhost/engine-lua build` first).
 */
const HOST_LIMITS: Limits = { instructions: false, timeoutMs: 60_000, memoryBytes: 64 * 1024 * 1024, stackDepth: 200 }
/** Generous: the box is loaded; a trip that a pcall catches runs until the 60 s limit or the test's timeout. */
const PROMPT_MS = 10_000
const MODES = [
  { isolation: 'inline', numbers: 'lua53' },
  { isolation: 'inline', numbers: 'lua51' },
  { isolation: 'worker', numbers: 'lua53' },
  { isolation: 'worker', numbers: 'lua51' },
] as const

for (const mode of MODES) {
  describe(`a trip no script catches (${mode.isolation}, ${mode.numbers})`, () => {
    let host: Host
    const restarts = () => (host.stats().engines.lua?.workerRestarts as number | undefined) ?? 0
    beforeAll(async () => {
      host = await createHost({
        engines: [luaEngine({ numbers: mode.numbers })],
        isolation: mode.isolation,
        ...(mode.isolation === 'worker' ? { workers: 1 } : {}),
        limits: HOST_LIMITS,
        pool: { min: 1, max: 1 },
      })
    })
    afterAll(() => host.close())

    for (const kind of TRIP_KINDS) {
      for (const catcher of Object.keys(CATCHERS)) {
        it(`${kind.limit}: ${catcher}`, async () => {
          const restartsBefore = restarts()
          const started = performance.now()
          const error = await host
            .execute({ language: 'lua', source: tripScript(kind, catcher), name: 'trip.lua', limits: kind.limits })
            .then(
              () => undefined,
              (e: unknown) => e,
            )
          const ms = performance.now() - started
          expect(error).toBeInstanceOf(LimitExceededError)
          const e = error as LimitExceededError
          expect(e.limit).toBe(kind.limit)
          expect(e.max).toBe(kind.limits[kind.limit === 'timeout' ? 'timeoutMs' : kind.limit === 'memory' ? 'memoryBytes' : 'instructions'])
          expect(e.message).toBe(`${kind.limit} limit exceeded (${e.used} > ${e.max})`)
          if (kind.limit === 'instructions') expect(e.used).toBe(e.max + 1)
          expect(ms).toBeLessThan(PROMPT_MS)
          // the worker ended the run itself (its watchdog may end a 200 ms timeout on a loaded box, never a 60 s one)
          if (kind.limit !== 'timeout') expect(restarts()).toBe(restartsBefore)
        }, 60_000)
      }
    }

    it('the host serves the next execution', async () => {
      const r = await host.execute({ language: 'lua', source: 'local t = {} for i = 1, 10 do t[i] = i end return #t, ("ab"):rep(2)' })
      expect(r.values).toEqual([10, 'abab'])
    })
  })
}
