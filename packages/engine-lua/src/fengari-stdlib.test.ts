import { spawnSync } from 'node:child_process'
import { createHost } from '@polyhost/core'
import { describe, expect, it } from 'vitest'
import { allResults, hasNative, iife } from '../test/native-lua.js'
import { numberHosts } from '../test/number-hosts.js'
import { luaEngine } from './index.js'

const { agrees } = numberHosts()
const bytes = (e: string) => `table.concat({string.byte(${e}, 1, -1)}, ",")`
/** unpack's argument order: the length (and __len) only when j is absent, i checked before it. */
const unpackCases = (f: string) => [
  iife(`return P(pcall(${f}, nil, 2, 1))`),
  iife(`return P(pcall(${f}, 5, 1, 'x'))`),
  iife(`return P(pcall(${f}, 5, 'x', 'y'))`),
  iife(`return P(pcall(${f}, 5, 1))`),
  iife(`return P(pcall(${f}, setmetatable({}, {__len = function() error('len called') end}), 1, 2))`),
  iife(`return P(pcall(${f}, setmetatable({}, {__len = function() error('len called') end}), 1))`),
  iife(`return P(pcall(${f}, setmetatable({7, 8, 9}, {__len = function() return 2 end})))`),
  iife(`return P(pcall(${f}, 'abc', 1, 2))`),
]

/** The string-library fixes, each case both ways: lua5.3 and (5.1 has the same behaviour) lua5.1. */
const STRING_CASES: Readonly<Record<string, { both: string[]; lua53?: string[]; lua51?: string[] }>> = {
  'string.format: an option cut off by the end of the format': {
    both: [
      'string.format("abc%", 1)',
      'string.format("%5", 1)',
      'string.format("%.", 1)',
      'string.format("%-", 1)',
      'string.format("%y", 1)',
    ],
    lua51: ['string.format("%\\1", 1)'],
  },
  'string.format %s: flags other than "-" do nothing; width and precision count bytes': {
    both: [
      'string.format("% s|%#s|%+ 20s|%# s|", "a", "a", "a", "a")',
      'string.format("%05s|%0-5s|%-5.1s|%5.0s|", "ab", "ab", "ab", "ab")',
      bytes('string.format("%5s|%.1s|%-4s|%3s", "\\200", "\\200\\201", "\\195\\169", "\\226\\130\\172")'),
      bytes('string.format("%-3.2s|%99s", "\\255\\254\\253", "x")'),
    ],
    lua53: [
      'string.format("%5s", "a\\0b")',
      'string.format("%5s", setmetatable({}, {__tostring = function() return "\\200" end})) == "    \\200"',
    ],
  },
  'string.char: a value outside 0..255 is an argument error': {
    both: ['string.char(256)', 'string.char(-1)', 'string.char(65, 300)', bytes('string.char(0, 255)')],
  },
  'patterns: a back-reference to a position capture never matches (C compares its length as a size_t)': {
    both: [
      allResults('string.find("aabb", "()%1")'),
      allResults('string.gsub("abcdef", "()%1%1", "X")'),
      allResults('string.match("abcdef", "cd()%1(.*)")'),
      allResults('string.match("aabbaabb", "(()(%2", 1)'),
      iife('local n = 0 for _ in string.gmatch("abcdef", "()%1%1") do n = n + 1 if n > 9 then break end end return n'),
      allResults('string.find("xabab", "(ab)%1")'),
    ],
  },
  'patterns: a greedy item whose match ends at index 0 (the rest empty) is a match': {
    both: [
      allResults('string.find("Z)", "(.*)%1")'),
      allResults('string.find("ab", "a*%f[a]")'),
      allResults('string.match("aab", "^(a*)%f[a]")'),
      allResults('string.gsub("ab ab", "%w*%f[%w]", "X")'),
      iife('local n = {} for a, b in string.gmatch("aXa", "(a*)()%f[a]") do n[#n + 1] = a .. ":" .. b end return #n, n[1]'),
      allResults('string.find("xyz", ".+%f[x]")'),
    ],
  },
  "patterns: the '%b' message": { both: [], lua53: ['string.find("a", "%b")', 'string.find("a", "%bx")'] },
  'math.fmod checks argument #2 first': {
    both: ['math.fmod("x")', 'math.fmod()', 'math.fmod("x", "y")', 'math.fmod(1, "y")', 'math.fmod(7, 3)'],
  },
  'string.pack "z": the message; string.unpack "z" without a terminator from a position': {
    both: [],
    lua53: [
      'string.pack("z", "a\\0")',
      'string.unpack("z", "abc", 2)',
      'select(2, string.unpack("z", "abc", 2))',
      'string.unpack("zB", "abcdef", 5)',
      'select(2, string.unpack("z", "ab", 3))',
      'select(2, string.unpack("z", "abc\\0", 2))',
    ],
  },
  'string.pack/packsize/unpack read their format up to its first NUL (a C string)': {
    both: [],
    lua53: [
      allResults('string.packsize("i4\\0i8")'),
      allResults('string.packsize("\\0a")'),
      bytes('string.pack("<i2\\0z", 1, "ignored")'),
      allResults('#string.pack("\\0a")'),
      allResults('string.unpack("<i2\\0i4", "\\1\\0\\2\\0\\0\\0")'),
      allResults('pcall(string.pack, "c\\0", "x")'),
      allResults('pcall(string.pack, "Xi\\0", 1)'),
      allResults('pcall(string.pack, "X\\0i", 1)'),
      allResults('#string.pack("!\\0i", 1)'),
    ],
  },
  "next with a NaN key is 'invalid key to 'next'' (no node has it), not a write's 'table index is NaN'": {
    both: [
      iife('return P(pcall(next, {1, 2}, 0/0))'),
      iife('return P(pcall(next, {}, -(0/0)))'),
      iife('return P(pcall(next, {a = 1}, 0/0))'),
      iife('local t = {} t[1.5] = 1 return P(pcall(next, t, 1.5))'),
    ],
  },
  'string.unpack "s": a length of 2^63 or more fails as C Lua': {
    both: [],
    lua53: [
      'string.unpack("s8", string.rep("\\255", 8) .. "abc")',
      'string.unpack("s8", "\\250\\255\\255\\255\\255\\255\\255\\255abc")',
      'string.unpack("s8", "\\240\\255\\255\\255\\255\\255\\255\\255abc")',
      'string.unpack(">s16", string.rep("\\0", 15) .. "\\3abc")',
    ],
  },
  'table.unpack takes the length only without j, after checking i (luaL_opt); 5.1 unpack checks the table first': {
    both: [],
    lua53: unpackCases('table.unpack'),
    lua51: unpackCases('unpack'),
  },
  "table.sort: an array of INT_MAX elements or more is 'array too big' (5.1 reads no __len)": {
    both: [
      iife('return P(pcall(table.sort, setmetatable({}, {__len = function() return 2^40 end})))'),
      iife('return P(pcall(table.sort, setmetatable({}, {__len = function() return 2^31 - 1 end})))'),
      iife(
        'local mt = {__len = function() return 2^31 end, __index = function(_, i) return -i end, __newindex = error} return P(pcall(table.sort, setmetatable({}, mt)))',
      ),
      iife('local t = setmetatable({3, 1, 2}, {__len = function() return 3 end}) table.sort(t) return t[1], t[2], t[3]'),
    ],
  },
  'chunk ids: a source ends at its first NUL, as the C string luaO_chunkid reads': {
    both: [
      'select(2, (loadstring or load)("return 1 \\0 +"))',
      'select(2, (loadstring or load)("return\\0\\n+"))',
      'select(2, (loadstring or load)("x x", "=na\\0me"))',
      'select(2, (loadstring or load)("x x", "@fi\\0le"))',
      'select(2, (loadstring or load)("x x", "str\\0ing"))',
    ],
    lua53: ['select(2, load("return 1\\0 +"))'],
  },
}

describe.each(['lua53', 'lua51'] as const)('string library fixes against native %s', (mode) => {
  it.skipIf(!hasNative(mode === 'lua53' ? 'lua5.3' : 'lua5.1')).each(Object.entries(STRING_CASES))('%s', async (_name, c) => {
    await agrees([...c.both, ...((mode === 'lua53' ? c.lua53 : c.lua51) ?? [])], mode)
  })
})

describe.skipIf(!hasNative('lua5.3'))('stdlib fixes against native lua5.3', () => {
  it('os.date("!fmt", t) formats t in UTC without the "!", whatever the local zone', async () => {
    const expr = 'os.date("!%Y-%m-%d %H:%M:%S|%c|%j|%A", 1733333333) .. os.date("!%Y", 0)'
    const native = spawnSync('lua5.3', ['-e', `io.write(${expr})`], { encoding: 'utf8', env: { ...process.env, TZ: 'America/New_York' } })
    const tz = process.env.TZ
    process.env.TZ = 'America/New_York' // Node applies a TZ assigned at run time
    const host = await createHost({ engines: [luaEngine()], policy: 'minimal' })
    try {
      const r = await host.execute({ language: 'lua', source: `return ${expr}, os.date("%j|%H", 1733333333)` })
      const local = spawnSync('lua5.3', ['-e', 'io.write(os.date("%j|%H", 1733333333))'], { encoding: 'utf8', env: { ...process.env } })
      expect(r.values).toEqual([native.stdout, local.stdout])
    } finally {
      await host.close()
      if (tz === undefined) delete process.env.TZ
      else process.env.TZ = tz
    }
  })

  it('pairs returns the real next (no patch needed: checked so it stays so)', async () => {
    const expr = 'tostring(select(1, pairs({})) == next)'
    const native = spawnSync('lua5.3', ['-e', `io.write(${expr})`], { encoding: 'utf8' })
    const host = await createHost({ engines: [luaEngine()], policy: 'minimal' })
    try {
      expect((await host.execute({ language: 'lua', source: `return ${expr}` })).values).toEqual([native.stdout])
    } finally {
      await host.close()
    }
  })

  it('nesting limits are worded as Lua 5.3 words them ("C levels", "C stack overflow")', async () => {
    const chunks = ["'return ' .. string.rep('(', 300) .. '1' .. string.rep(')', 300)", "string.rep('a,', 300) .. 'a = 1'"]
    const source = `${chunks.map((c) => `print(select(2, load(${c}, '=c')))`).join('\n')}
local function r() return (string.gsub('x', 'x', r)) end
print(select(2, pcall(r)))`
    const native = spawnSync('lua5.3', ['-e', source], { encoding: 'utf8' })
    const host = await createHost({ engines: [luaEngine()], policy: 'minimal' })
    try {
      const r = await host.execute({ language: 'lua', source })
      expect(r.logs.map((l) => l.message).join('\n')).toBe(native.stdout.trimEnd())
    } finally {
      await host.close()
    }
  })

  it('print calls the global tostring, as Lua 5.3 does', async () => {
    const source = `local saved, out = tostring, {}
print(1, 'a', nil)
tostring = function(v) return '<' .. saved(v) .. '>' end
print(1, 'a', nil)
tostring = 42
out[1] = select(2, pcall(print, 1)):gsub('^[^:]*:%d+: ', '')
tostring = function() return {} end
out[2] = select(2, pcall(print, 1)):gsub('^[^:]*:%d+: ', '')
tostring = saved
print(out[1], out[2])`
    const wrapped = `local ok, e = pcall(function()\n${source}\nend) if not ok then io.write('error ', e, '\\n') end`
    const native = spawnSync('lua5.3', ['-e', wrapped], { encoding: 'utf8' })
    const host = await createHost({ engines: [luaEngine()], policy: 'minimal' })
    try {
      const r = await host.execute({ language: 'lua', source: wrapped })
      expect(r.logs.map((l) => l.message).join('\n')).toBe(native.stdout.trimEnd())
    } finally {
      await host.close()
    }
  })
})
