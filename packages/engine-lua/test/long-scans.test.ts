import { createHost, type Host, LimitExceededError } from '@polyhost/core'
import { watchEventLoop } from '@polyhost/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'
import { tripsAtInstructionLimit } from './instruction-trips.js'
import { hasNative, runNativeProgram } from './native-lua.js'

// A loop of builtin calls, each a long scan and a few instructions: the count hook came only
// every ~200 calls. Where the scan was not charged at all (spaces around a numeral, the
// continuation bytes of one "character", a pattern, a load mode) the loop ran 10-500 times
// its 1 s limit inline; where it was, the deadline held but no time slice ended before it,
// the event loop blocked throughout. Charged, the deadline is checked at the next
// instruction and a slice that ran out yields there. Each call below takes a few to tens of
// ms; the bounds are generous for a loaded 2-core machine (before, the stall was the whole run).

const MiB = 1024 * 1024
const LIMIT = 2000
const LIMITS = { timeoutMs: LIMIT, instructions: false as const, memoryBytes: 256 * MiB }
/** Past the limit: one call's work plus a loaded machine. */
const ALLOWANCE = 2000
/**
 * The longest the event loop may wait: a slice and one call (tens of ms here), plus a
 * scavenge of the long strings and a loaded machine (607 ms seen with the whole suite running
 * on 2 cores); half the limit, which an unsliced loop waits in full.
 */
const MAX_STALL_MS = LIMIT / 2

type Loop = [name: string, source: string, models: readonly ('lua53' | 'lua51')[]]
const BOTH = ['lua53', 'lua51'] as const

/** Charged before, but only the deadline was checked: the slice never ended on them. */
const CHARGED: Loop[] = [
  ['tonumber of 3e5 digits in base 36 (steps)', "local s = ('1'):rep(3e5) while true do pcall(tonumber, s, 36) end", BOTH],
  ["s:find('ab') in 3 MB (heavy work)", "local s = ('a'):rep(3e6) while true do s:find('ab') end", BOTH],
]

/** tonumber(s, base) skipped spaces uncharged (a regex over a latin1 copy of the whole string). */
const TONUMBER: Loop[] = [
  ['tonumber(s, 36) of a numeral and 2e6 trailing spaces', "local s = '1' .. (' '):rep(2e6) while true do tonumber(s, 36) end", BOTH],
  ['tonumber(s, 16) of 2e6 leading spaces and a numeral', "local s = (' '):rep(2e6) .. 'ff' while true do tonumber(s, 16) end", BOTH],
]

/** string.find tested a pattern for specials a byte at a time, searching the list of specials for each. */
const PATTERNS: Loop[] = [
  ["string.find with a 2 MB pattern ending in '.'", "local p = ('x'):rep(2e6) .. '.' while true do local _ = ('y'):find(p) end", BOTH],
  ['string.match with a 2 MB pattern', "local p = ('x'):rep(2e6) .. '.' while true do local _ = ('y'):match(p) end", BOTH],
  ['string.gsub with a 2 MB pattern', "local p = ('x'):rep(2e6) .. '.' while true do local _ = ('y'):gsub(p, '') end", BOTH],
]

/** load converted its mode to bytes a character at a time and searched it, uncharged. */
const LOADS: Loop[] = [
  ['load with a 4 MB mode', "local m = ('x'):rep(4e6) .. 't' while true do load('return 1', 'n', m) end", ['lua53']],
  ['load refused by a 4 MB mode', "local m = ('x'):rep(4e6) while true do load('return 1', 'n', m) end", ['lua53']],
]

/** utf8.offset and the utf8.codes iterator charged a step per character, and a character may be 2e6 continuation bytes. */
const UTF8: Loop[] = [
  ['utf8.offset(s, 2) over 2e6 continuation bytes', "local s = 'a' .. ('\\x80'):rep(2e6) while true do utf8.offset(s, 2) end", ['lua53']],
  [
    'utf8.offset(s, -1) back over 2e6 continuation bytes',
    "local s = 'a' .. ('\\x80'):rep(2e6) while true do utf8.offset(s, -1) end",
    ['lua53'],
  ],
  [
    'utf8.offset(s, 0, #s) back over 2e6 continuation bytes',
    "local s = ('\\x80'):rep(2e6) while true do utf8.offset(s, 0, #s) end",
    ['lua53'],
  ],
  [
    'the utf8.codes iterator over 2e6 continuation bytes',
    "local s = 'a' .. ('\\x80'):rep(2e6) local f = utf8.codes(s) while true do f(s, 1) end",
    ['lua53'],
  ],
]

const LOOPS: Loop[] = [...CHARGED, ...TONUMBER, ...PATTERNS, ...LOADS, ...UTF8]

for (const numbers of BOTH) {
  describe(`loops of long scans leave the event loop free and stop at the deadline (inline, ${numbers})`, () => {
    let host: Host
    beforeAll(async () => {
      host = await createHost({ engines: [luaEngine({ numbers })], limits: LIMITS })
    })
    afterAll(() => host.close())
    for (const [name, source, models] of LOOPS) {
      if (!models.includes(numbers)) continue
      it(name, async () => {
        const r = await watchEventLoop(host.execute({ language: 'lua', source }), 1)
        expect(r.error).toBeInstanceOf(LimitExceededError)
        expect(r.error).toMatchObject({ limit: 'timeout' })
        expect(r.ms).toBeLessThan(LIMIT + ALLOWANCE)
        expect(r.stallMs).toBeLessThan(MAX_STALL_MS)
      }, 120_000)
    }
  })
}

describe('bytes scanned count as instructions (a step each)', () => {
  // each case does well under MAX instructions of VM work; its scan is far over
  const MAX = 200_000
  tripsAtInstructionLimit(
    [
      ['utf8.offset forwards over continuation bytes', "local s = 'a' .. ('\\x80'):rep(1e6) utf8.offset(s, 2)"],
      ['utf8.offset backwards over continuation bytes', "local s = 'a' .. ('\\x80'):rep(1e6) utf8.offset(s, -1)"],
      ['utf8.offset(s, 0, i) over continuation bytes', "local s = ('\\x80'):rep(1e6) utf8.offset(s, 0, #s)"],
      ['the utf8.codes iterator over continuation bytes', "local s = 'a' .. ('\\x80'):rep(1e6) utf8.codes(s)(s, 1)"],
      ['tonumber(s, base) over trailing spaces', "tonumber('1' .. (' '):rep(1e6), 36)"],
      ['tonumber(s, base) over leading spaces', "tonumber((' '):rep(1e6) .. '1', 36)"],
    ],
    MAX,
  )
})

// the numeral is read from its bytes now: spaces (C's isspace), signs and digits as before
const TONUMBER_CASES = String.raw`
local r = {}
for _, s in ipairs({' 1', '1 ', ' -1 ', '+z', '- 1', '-', '+', '', '  ', '\t\v\f\r\n7\n', '1 1', 'zz', 'ZZ', 'Zz', '1\0',
    '-ffffffff', '0x10', ' 0XfF ', '0x', '12.5', '1e2', '[', '@', '\96', '{', '/', ':', ' +Zz\t', '\2001'}) do
  for _, b in ipairs({2, 10, 16, 36}) do r[#r + 1] = tostring(tonumber(s, b)) end
end
print(table.concat(r, ' '))`

for (const [numbers, binary] of [
  ['lua53', 'lua5.3'],
  ['lua51', 'lua5.1'],
] as const) {
  it.skipIf(!hasNative(binary))(`tonumber(s, base) around spaces, signs and odd bytes answers as ${binary}`, async () => {
    const host = await createHost({ engines: [luaEngine({ numbers })] })
    try {
      const r = await host.execute({ language: 'lua', source: TONUMBER_CASES })
      expect(r.logs.map((l) => l.message).join('\n')).toBe(runNativeProgram(binary, TONUMBER_CASES).trim())
    } finally {
      await host.close()
    }
  })
}
