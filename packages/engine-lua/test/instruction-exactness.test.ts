import { createHost, type Host, LimitExceededError } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'

// Builtin steps and VM instructions are counted by two budgets (the guards' step chunk, the
// count hook's period), each of up to ~1000 and each checked without the other's work since
// its own last check: where short builtin calls and instructions interleave, the limit
// tripped 100-830 instructions past `instructions` (load with a reader 106, a loop of
// string.rep 826, table.concat through an __index function 116-181, a coroutine yielding
// string.rep results 10-66). Near the limit each check now counts both, and each budget is
// half of what is left: the run ends one past the limit, as a plain loop does.

const CASES: [string, string][] = [
  ['load with a reader', "return load(function() return 'x' end)"],
  ['a loop of short string.rep calls', "for i = 1, 1e9 do local a = ('x'):rep(3) end"],
  [
    'table.concat through an __index function',
    "local t = setmetatable({}, {__index = function() return 'x' end}) for i = 1, 1e9 do table.concat(t, ',', 1, 3) end",
  ],
  [
    'a coroutine yielding string.rep results',
    "local co = coroutine.wrap(function() while true do coroutine.yield(('x'):rep(2)) end end) for i = 1, 1e9 do co() end",
  ],
  ['a plain loop', 'while true do end'],
]
const MAXES = [50_000, 77_777, 3_001, 1]

for (const numbers of ['lua53', 'lua51'] as const) {
  describe(`the instruction limit ends interleaved work one past it (${numbers})`, () => {
    let host: Host
    beforeAll(async () => {
      host = await createHost({ engines: [luaEngine({ numbers })], policy: 'standard' })
    })
    afterAll(() => host.close())
    // 5.1's table.concat reads raw (no __index): it fails at once, nothing to count
    for (const [name, source] of numbers === 'lua51' ? CASES.filter(([n]) => !n.includes('__index')) : CASES) {
      it(name, { timeout: 60_000 }, async () => {
        for (const max of MAXES) {
          const e = await host
            .execute({ language: 'lua', source, limits: { instructions: max, timeoutMs: 5_000 } })
            .catch((x: unknown) => x)
          expect(e).toBeInstanceOf(LimitExceededError)
          expect(e).toMatchObject({ limit: 'instructions', max, used: max + 1 })
        }
      })
    }
  })
}
