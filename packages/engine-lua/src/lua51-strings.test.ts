import { describe, expect, it } from 'vitest'
import { allResults as all, hasNative, runEngine, runNative } from '../test/native-lua.js'
import { numberHosts } from '../test/number-hosts.js'

// The string patches of lua51-library-patches.ts and lua51-format-patches.ts, each
// expression compared with native lua5.1 in the same run (skipped when it is missing).
const { agrees, host } = numberHosts()

describe.skipIf(!hasNative('lua5.1'))("'lua51' string library against native lua5.1", () => {
  it('find/match clamp init to the length; gsub and gmatch keep an empty match right after a match', async () => {
    await agrees(
      [
        all('string.find("abc", "", 10)'),
        all('string.find("abc", "$", 5)'),
        all('string.find("", "", 2^31, true)'),
        all('string.match("abc", "()", 100)'),
        all('string.find("abc", "c", 10)'),
        all('string.gsub("abc", "%w*", "x")'),
        all('string.gsub("hello\\nworld", "l*", "\\\\")'),
        all('string.gsub("abc", "", "-")'),
        all('string.gsub("abc", "^%w*", "x")'),
        all('string.gsub("a b", "%w*", "<%0>", 2)'),
        all('string.gsub("abc", "x*$", "!")'),
        '(function() local o = {} for a in string.gmatch("ab", "%a?$") do o[#o+1] = a end return table.concat(o, "|") end)()',
        '(function() local o = {} for a in string.gmatch("abc d", "%w*") do o[#o+1] = "[" .. a .. "]" end return table.concat(o) end)()',
      ],
      'lua51',
    )
  })

  it("patterns have no '%g' class; ipairs reads raw", async () => {
    await agrees(
      [
        all('string.match("key", "%g")'),
        all('string.find("a g G", "%G")'),
        all('string.gsub("gg x", "%g", "!")'),
        '(function() local n = 0 for _ in ipairs(setmetatable({1, 2}, {__index = function(t, k) if k < 5 then return k end end})) do n = n + 1 end return n end)()',
        '(function() local n = 0 for _ in ipairs(setmetatable({}, {__index = function() return 1 end})) do n = n + 1 end return n end)()',
      ],
      'lua51',
    )
  })

  it("captures, '%b' and replacement strings use 5.1's rules and words", async () => {
    await agrees(
      [
        'string.match("x", "%1")',
        'string.gsub("abc", "(b)", "%2")',
        'string.match("x", "%b")',
        'string.find("(x)", "%b(")',
        all('string.gsub("[[x]]", "%f[%w]%w+", "%a")'),
        all('string.gsub("abc", "b", "%a")'),
        all('string.gsub("abc", "b", "x%")'),
        all('string.gsub("abc", "b", "%%")'),
        all('string.gsub("abc", "(b)", "%1%0")'),
      ],
      'lua51',
    )
  })

  it('string.char casts to a C int and refuses what is not a byte', async () => {
    await agrees(
      [
        'string.char(2^32 + 65)',
        'string.char(-2^32 + 66)',
        all('string.byte(string.char(255, 0, 65.7), 1, -1)'),
        'string.char(256)',
        'string.char(-1)',
        'string.char(2^31)',
      ],
      'lua51',
    )
  })

  it('string.format %s and %q take strings and numbers only, as 5.1 passes them to sprintf', async () => {
    await agrees(
      [
        'string.format("%s", true)',
        'string.format("%s", nil)',
        'string.format("%s", {})',
        'string.format("%q", nil)',
        'string.format("%s", 12.5)',
        'string.format("%10s|", 1/3)',
        'string.format("%s", "\\0abc")',
        'string.format("%5s|", "a\\0b")',
        'string.format("%5.2s|", "a\\0bc")',
        '#string.format("%s", string.rep("a", 120) .. "\\0b")',
        '#string.format("%5s", string.rep("a", 120) .. "\\0b")',
        '#string.format("%.200s", string.rep("a", 120) .. "\\0b")',
        'string.format("%q", 1/3)',
        'string.format("%q", 1e100)',
        'string.format("%q", 2^53)',
        'string.format("%q", "a\\0b\\r\\n\\1")',
        'string.format("%q", "tab\\there\\0010\\"\\\\")',
        'string.format("%5.1q", "x")',
      ],
      'lua51',
    )
  })

  it('string.format has no %a, words a cut-off option as 5.1 and allows five flags', async () => {
    await agrees(
      [
        'string.format("%a", 1)',
        'string.format("%A", 1)',
        'string.format("%5a", 1)',
        'string.format("abc%", 1)',
        'string.format("%5", 1)',
        'string.format("abc%")',
        'string.format("%-+ #0d", 1)',
        'string.format("%-+ #0f|%0+ #-d", 2, 1)',
        'string.format("%-+ #0 d", 1)',
      ],
      'lua51',
    )
  })

  it("patterns recurse past 5.3's 200 levels, up to 1,000 (native 5.1 has no count)", async () => {
    await agrees(
      [
        all("string.find(string.rep('a', 300), string.rep('a?', 300))"),
        // 999 items: 1,000 levels (the pattern's end is one more)
        all("string.find(string.rep('a', 999), string.rep('a?', 999))"),
        all("string.find(string.rep('ab', 300), string.rep('%w-', 300))"),
        all("string.gsub(string.rep('x', 500), string.rep('x?', 500), 'y')"),
        all("string.match(string.rep('a', 998), string.rep('a-', 998) .. '$')"),
      ],
      'lua51',
    )
    // one level more is a Lua error the script can catch, never the host's stack
    const past = await runEngine(host('lua51'), "select(2, pcall(string.find, string.rep('a', 1000), string.rep('a?', 1000)))")
    expect(past).toEqual({ ok: true, text: 'pattern too complex' })
    const deep = await runEngine(host('lua51'), "select(2, pcall(string.find, string.rep('a', 50000), string.rep('a?', 50000)))")
    expect(deep).toEqual({ ok: true, text: 'pattern too complex' })
    // 5.3 mode keeps its MAXCCALLS
    const lua53 = await runEngine(host('lua53'), "select(2, pcall(string.find, string.rep('a', 300), string.rep('a?', 300)))")
    expect(lua53).toEqual({ ok: true, text: 'pattern too complex' })
  })

  it('five flags are allowed in lua53 mode too (C counts sizeof(FLAGS))', async () => {
    const exprs = ['string.format("%-+ #0d", 1)', 'string.format("%-+ #0 d", 1)']
    const want = runNative('lua5.3', exprs)
    for (const [i, expr] of exprs.entries()) {
      expect({ expr, ...(await runEngine(host('lua53'), expr)) }).toEqual({ expr, ok: want[i]?.ok, text: want[i]?.text })
    }
  })
})
