import { execFileSync } from 'node:child_process'
import { createHost } from '@polyhost/core'
import { describe, expect, it, vi } from 'vitest'
import { fengari, type LuaState } from '../src/fengari-api.js'
import { luaEngine } from '../src/index.js'
import { Meter } from '../src/meter.js'
import { runInChild } from './child.js'
import { tripsAtInstructionLimit } from './instruction-trips.js'
import { runRaw } from './harness.js'

// Work that one instruction or one builtin call did without a step, so without any
// instruction or deadline check: one call took 0.03-4 s, and a loop of them ran for minutes
// between two hooks (these loops were killed after 20-30 s, or stopped 4-21 s past a 1 s limit).
// Each loop runs in a child (built packages: `pnpm run build` first) that is killed after
// KILL_MS, and must end at its deadline within ALLOWANCE, in both number models.

const MiB = 1024 * 1024
const LIMIT = 1000
/** Past the limit: the longest single call left is ~0.6 s (a 1e6-value copy) on a loaded 2-core machine. */
const ALLOWANCE = 2000
const KILL_MS = 30_000
const LIMITS = { timeoutMs: LIMIT, instructions: false as const, memoryBytes: 64 * MiB }

/** Values moved n at a time (5.3 only: 5.1 gives a host function 8,000 stack slots), and a scan only 5.3 does. */
const MOVES: [string, string][] = [
  ['table.unpack of a 9e5 range', "local t = {} for i = 1, 1e9 do local n = select('#', table.unpack(t, 1, 9e5)) end"],
  [
    'table.unpack through a host-function __index',
    "local t = setmetatable({}, {__index = tostring}) for i = 1, 1e9 do local n = select('#', table.unpack(t, 1, 9e5)) end",
  ],
  ['string.byte of 9e5 bytes', "local s = string.rep('a', 9e5) for i = 1, 1e9 do local n = select('#', s:byte(1, -1)) end"],
  ['{...} of 4e5 varargs', 'local function f(...) for i = 1, 1e9 do local t = {...} end end f(table.unpack({}, 1, 4e5))'],
  // 5.1 keeps a long string whole without looking for a NUL
  ["string.format('%.3s') of 30 MB", "local s = string.rep('a', 3e7) for i = 1, 1e9 do string.format('%.3s', s) end"],
]

/** Scans of long strings and patterns. */
const SCANS: [string, string][] = [
  ['string.find without specials in 30 MB', "local s = string.rep('a', 3e7) for i = 1, 1e9 do s:find('ab') end"],
  [
    'plain string.find of a 1 MB needle',
    "local s = string.rep('a', 3e7) local n = string.rep('a', 1e6) .. 'b' for i = 1, 1e9 do s:find(n, 1, true) end",
  ],
  [
    'a 1e6-item literal pattern',
    "local s = string.rep('a', 1e6) local p = string.rep('a', 1e6 - 2) .. '.b' for i = 1, 1e9 do s:find(p) end",
  ],
  ['a 3 MB set', "local s = string.rep('a', 1e6) local p = '[' .. string.rep('b-c', 1e6) .. ']' for i = 1, 1e9 do s:find(p) end"],
  ['tonumber of 2e7 digits in base 36', "local s = string.rep('1', 2e7) for i = 1, 1e9 do pcall(tonumber, s, 36) end"],
  // reading a number from a long string that is none, or comparing it, copied all of it into a
  // JS string first: 2-5 s a call for 50 MB on this VM, where a fresh 50 MB costs ~0.6 s in page faults
  ['tonumber of a 60 MB non-numeral', "local s = string.rep('a', 6e7) for i = 1, 1e9 do local x = tonumber(s) end"],
  ['tonumber of 60 MB of spaces', "local s = string.rep(' ', 6e7) for i = 1, 1e9 do local x = tonumber(s) end"],
  ['arithmetic on a 60 MB string', "local s = string.rep('a', 6e7) local f = function() return s + 0 end for i = 1, 1e9 do pcall(f) end"],
  ['comparing 60 MB strings', "local s = string.rep('a', 6e7) for i = 1, 1e9 do local x = s < 'b' end"],
]

for (const numbers of ['lua53', 'lua51'] as const) {
  describe(`loops of uncounted work stop at the deadline (${numbers})`, () => {
    for (const [name, source] of numbers === 'lua53' ? [...MOVES, ...SCANS] : SCANS) {
      it(name, async () => {
        const r = await runInChild(source, { limits: LIMITS, engine: { numbers }, heapMB: 512, killAfterMs: KILL_MS })
        expect(r.error, JSON.stringify(r)).toMatchObject({ name: 'LimitExceededError', limit: 'timeout' })
        expect(r.ms).toBeLessThan(LIMIT + ALLOWANCE)
        expect(r.after).toBe(42)
      }, 60_000)
    }
  })
}

/**
 * One builtin (or instruction) doing many long pieces of work before the next instruction:
 * the deadline is checked between two of them. string.format converting a hundred 30 MB
 * numerals ran 23-83 s of a 1 s limit, and a long hex integer was not charged at all.
 */
const MANY_IN_ONE: [string, string, readonly ('lua53' | 'lua51')[]][] = [
  [
    "string.format('%g' x 100) of 30 MB decimal numerals",
    "local s = string.rep('1', 3e7) local t = {} for i = 1, 100 do t[i] = s end return #string.format(string.rep('%g', 100), (table.unpack or unpack)(t))",
    ['lua53', 'lua51'],
  ],
  [
    "string.format('%d' x 100) of 30 MB hex integers",
    "local s = '0x' .. string.rep('f', 3e7) local t = {} for i = 1, 100 do t[i] = s end return #string.format(string.rep('%d', 100), table.unpack(t))",
    ['lua53'],
  ],
  [
    'arithmetic on a 30 MB hex integer',
    "local s = '0x' .. string.rep('f', 3e7) local n = 0 for i = 1, 1e9 do n = n + (s + 0) end",
    ['lua53'],
  ],
  [
    'math.tointeger of a 30 MB hex integer',
    "local s = '0x' .. string.rep('f', 3e7) for i = 1, 1e9 do local x = math.tointeger(s) end",
    ['lua53'],
  ],
]

describe('many long pieces of work in one builtin stop at the deadline', () => {
  for (const [name, source, modes] of MANY_IN_ONE) {
    for (const numbers of modes) {
      it(`${name} (${numbers})`, async () => {
        const r = await runInChild(source, { limits: LIMITS, engine: { numbers }, heapMB: 512, killAfterMs: KILL_MS })
        expect(r.error, JSON.stringify(r)).toMatchObject({ name: 'LimitExceededError', limit: 'timeout' })
        expect(r.ms).toBeLessThan(LIMIT + ALLOWANCE)
        expect(r.after).toBe(42)
      }, 60_000)
    }
  }
})

describe('native O(length) work is reported as heavy: the deadline is checked at the next instruction', () => {
  // 10 MB compared ~250 times between two hooks ran 1.1-1.7 s past a 1 s deadline
  const long = 'a'.repeat(100_000)
  const setup = (L: LuaState) => {
    const { lua } = fengari()
    lua.lua_pushstring(L, long)
    lua.lua_setfield(L, 1, 's')
    lua.lua_pushstring(L, `${long}b`)
    lua.lua_setfield(L, 1, 'u')
  }
  const cases: [string, string, unknown][] = [
    ['s < u', 'return s < u', true],
    ['s <= u', 'return u <= s', false],
    ["string.format('%.3s', s)", "return string.format('%.3s', s)", 'aaa'],
  ]
  for (const [name, source, value] of cases) {
    it(name, () => {
      const heavy = vi.spyOn(Meter.prototype, 'heavy')
      try {
        const r = runRaw(source, {}, setup)
        expect(r.values).toEqual([value])
        expect(heavy).toHaveBeenCalled()
      } finally {
        heavy.mockRestore()
      }
    })
  }
})

describe('the same work counts as instructions', () => {
  // each case does well under MAX instructions of VM work; its builtin work is far over
  const MAX = 200_000
  const cases: [string, string][] = [
    ['table.unpack', 'table.unpack({}, 1, 5e5)'],
    ['string.byte', "string.byte(string.rep('x', 5e5), 1, -1)"],
    ['varargs', "local function f(...) for i = 1, 10 do local t = {...} end end f(string.byte(string.rep('x', 1e5), 1, -1))"],
    ['a literal pattern', "string.find(string.rep('a', 1000), string.rep('a', 998) .. '.b')"],
    ['a large set', "string.find(string.rep('a', 1000), '[' .. string.rep('b', 1e5) .. ']')"],
    ['tonumber with a base', "tonumber(string.rep('1', 5e5), 36)"],
  ]
  tripsAtInstructionLimit(cases, MAX)

  it('ordinary calls answer as lua5.3', async () => {
    const source =
      "local t = {table.unpack({1, 2, 3})} local a, b = ('x-y'):find('[%w_]-') " +
      "return table.concat({#t, select('#', ('abc'):byte(1, -1)), a, b, tonumber('zz', 36), ('aXYb'):match('[A-Z]+')}, ' ')"
    const native = execFileSync('lua5.3', ['-e', `print((function() ${source} end)())`], { encoding: 'utf8' }).trim()
    const host = await createHost({ engines: [luaEngine()] })
    try {
      expect((await host.execute({ language: 'lua', source })).value).toBe(native)
    } finally {
      await host.close()
    }
  })
})
