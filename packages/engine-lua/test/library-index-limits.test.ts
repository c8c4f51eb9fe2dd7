import { describe, expect, it } from 'vitest'
import { hasNative, iife, runEngine, runNative } from './native-lua.js'
import { numberHosts } from './number-hosts.js'

// Library functions that compute an index or a length ± 1 at math.maxinteger / math.mininteger,
// against native lua5.3 in the same run. Where native's answer does not depend on a wrapped
// 64-bit integer it must be the same; where native wraps (maxinteger + 1 becomes mininteger)
// the engine raises the VM's own catchable `integer overflow` — never a host error text.
const { agrees, host } = numberHosts()

const MAX = 'math.maxinteger'
const MIN = 'math.mininteger'
const LEN_MAX = `setmetatable({}, {__len = function() return ${MAX} end})`

/** Calls whose results native computes without a wrapped integer. */
const SAME = [
  `local f = ipairs({}) return P(pcall(f, {}, ${MAX} - 1))`,
  `local f = ipairs({}) return P(pcall(f, {}, ${MIN}))`,
  `return P(pcall(table.insert, setmetatable({}, {__len = function() return ${MAX} - 1 end}), 'v'))`,
  `return P(pcall(table.remove, ${LEN_MAX}))`,
  `return P(pcall(table.remove, setmetatable({}, {__len = function() return ${MIN} end})))`,
  `return P(pcall(table.remove, {}, ${MIN}))`,
  `return P(pcall(table.remove, {}, ${MAX}))`,
  `return P(pcall(table.move, {1, 2}, 1, 2, ${MAX}))`,
  `return P(pcall(table.move, {1, 2}, ${MIN}, ${MAX}, 2))`,
  `return P(pcall(table.unpack, {}, ${MAX}, ${MAX}))`,
  `return P(pcall(table.unpack, {}, ${MAX} - 1, ${MAX}))`,
  `return P(pcall(table.unpack, {}, ${MIN}, ${MIN} + 1))`,
  `return P(pcall(table.unpack, {}, ${MIN}, ${MAX}))`,
  `return P(pcall(table.unpack, {}, ${MAX}, ${MIN}))`,
  `return P(pcall(table.concat, {}, '', ${MAX}, ${MAX}))`,
  `return P(pcall(table.concat, setmetatable({}, {__index = function() return 'x' end}), '', ${MAX} - 2, ${MAX}))`,
  `return P(pcall(table.sort, ${LEN_MAX}))`,
  `return P(pcall(select, ${MAX}, 1, 2))`,
  `return P(pcall(select, ${MIN}, 1, 2))`,
  `return P(pcall(string.sub, 'abc', ${MIN}, ${MAX}))`,
  `return P(pcall(string.sub, 'abc', ${MAX}, ${MIN}))`,
  `return P(pcall(string.sub, 'abc', -${MAX}, 2))`,
  `return P(pcall(string.byte, 'abc', ${MIN}, ${MAX}))`,
  `return P(pcall(string.byte, 'abc', ${MAX}, ${MAX}))`,
  `return P(pcall(string.find, 'abc', 'b', ${MAX}))`,
  `return P(pcall(string.find, 'abc', 'b', ${MIN}))`,
  `return P(pcall(string.find, 'abc', '', ${MAX}))`,
  `return P(pcall(string.find, 'abc', 'b', ${MAX}, true))`,
  `return P(pcall(string.match, 'abc', 'b', ${MIN}))`,
  `return P(pcall(string.rep, 'a', ${MAX}))`,
  `return P(pcall(utf8.codepoint, 'abc', ${MIN}, ${MAX}))`,
  `return P(pcall(utf8.codepoint, 'abc', 1, ${MAX}))`,
  `return P(pcall(utf8.offset, 'abc', ${MAX}))`,
  `return P(pcall(utf8.offset, 'abc', ${MIN}))`,
  `return P(pcall(utf8.offset, 'abc', 1, ${MAX}))`,
  `return P(pcall(utf8.offset, 'abc', 0, ${MAX}))`,
  `return P(pcall(utf8.len, 'abc', ${MAX}))`,
  `return P(pcall(utf8.len, 'abc', 1, ${MIN}))`,
  `local s = 0 for p, c in utf8.codes('ab') do s = s + p end return s`,
  `return P(pcall(string.unpack, 'b', 'abc', ${MAX}))`,
  `return P(pcall(string.unpack, 'b', 'abc', ${MIN}))`,
  `return P(pcall(rawlen, {}))`,
  `return P(pcall(rawget, {}, ${MAX}))`,
  `return P(pcall(coroutine.wrap(function(...) return select('#', ...) end), ${MAX}, ${MIN}))`,
]

/** Calls where native's maxinteger + 1 wraps to mininteger. */
const WRAPS = [
  `return P(pcall(table.insert, ${LEN_MAX}, 'v'))`,
  `return P(pcall(table.insert, ${LEN_MAX}, ${MAX}, 'v'))`,
  `local f = ipairs({}) return P(pcall(f, {}, ${MAX}))`,
]

describe.skipIf(!hasNative('lua5.3'))('library indices at the integer limits (5.3) against native lua5.3', () => {
  it('give native results wherever native does not wrap', async () => {
    expect(await agrees(SAME.map(iife))).toBe(0)
  })

  it("raise the VM's catchable integer overflow where native wraps", async () => {
    const vm = await runEngine(host('lua53'), iife(`return P(pcall(function() return ${MAX} + 1 end))`))
    expect(vm).toEqual({ ok: true, text: '2:false,integer overflow' })
    const native = runNative('lua5.3', WRAPS.map(iife))
    for (const [i, body] of WRAPS.entries()) {
      // native completes (wrapped) or refuses the wrapped position; the engine's range ends first
      expect(native[i]?.text).not.toContain('integer overflow')
      expect({ body, ...(await runEngine(host('lua53'), iife(body))) }).toEqual({ body, ...vm })
    }
  })
})
