import { describe, it } from 'vitest'
import { hasNative, iife } from './native-lua.js'
import { numberHosts } from './number-hosts.js'

// Lua 5.1 reads a pattern as a C string (src/lua51-pattern-patches.ts): the matcher stops at
// its first NUL, string.find looks for specials only up to it and then searches for the whole
// pattern, and gsub's replacement keeps its full length. Each answer is native lua5.1's (and
// lua5.3's for the 5.3 mode, which takes the full pattern) in the same run; results print
// with every byte outside printable ASCII escaped, so a NUL shows as \0.
const { agrees } = numberHosts()

const Q = (call: string) => iife(`return P(pcall(${call}))`)
const gather = (it: string, body = 'o[#o + 1] = table.concat({...}, "|")') =>
  iife(`local o = {} for a, b in ${it} do (function(...) ${body} end)(a, b) end return #o, table.concat(o, ";")`)

const CASES = [
  // find: a pattern without specials before its NUL is a plain search for all of it
  Q(String.raw`string.find, "a\0b", "\0"`),
  Q(String.raw`string.find, "a\0(b", "\0(", 1)`),
  Q(String.raw`string.find, "a\0(b", "\0(", 3)`),
  Q(String.raw`string.find, "abc", "b\0z"`),
  Q(String.raw`string.find, "ab\0z", "b\0z"`),
  Q(String.raw`string.find, "ab\0.", "b\0."`),
  Q(String.raw`string.find, "a^\0x", "^\0x"`),
  Q(String.raw`string.find, "x\0^", "x\0^"`),
  Q(String.raw`string.find, "ab", "b\0", 1, true`),
  Q(String.raw`string.find, "ab\0", "b\0", 1, true`),
  // find with specials before the NUL, match, gmatch, gsub: the pattern ends there
  Q(String.raw`string.find, "abc", "b.\0z"`),
  Q(String.raw`string.find, "abc", ".\0z", 2`),
  Q(String.raw`string.find, "abc", "^\0"`),
  Q(String.raw`string.find, "a", "[\0-a]"`),
  Q(String.raw`string.find, "a", "[a\0]"`),
  Q(String.raw`string.find, "a]", "[^\0]"`),
  Q(String.raw`string.find, "a", "%\0"`),
  Q(String.raw`string.find, "a", "a%\0"`),
  Q(String.raw`string.find, "a(b", "(\0"`),
  Q(String.raw`string.find, "(x)", "%b(\0"`),
  Q(String.raw`string.find, "(x)", "%b\0)"`),
  Q(String.raw`string.find, "ab", "%f\0[a]"`),
  Q(String.raw`string.find, "a$b", "a$\0b"`),
  Q(String.raw`string.find, "a", "a$\0b"`),
  Q(String.raw`string.find, "a\0b", "%z"`),
  Q(String.raw`string.find, "a\0b", "[%z]"`),
  Q(String.raw`string.find, "a\0b", "[^%Z]+"`),
  Q(String.raw`string.match, "abc", "b\0%d"`),
  Q(String.raw`string.match, "key=1\0junk", "(%w+)=(%d)\0"`),
  Q(String.raw`string.match, "a\0b", "\0"`),
  Q(String.raw`string.match, "a\0b", "(.)\0(.)"`),
  Q(String.raw`string.match, "a\0b", "a%z(b)"`),
  Q(String.raw`string.match, "x", "x*\0+"`),
  Q(String.raw`string.match, "xy", "x\0()"`),
  Q(String.raw`string.match, "a", "(\0)"`),
  Q(String.raw`string.gsub, "a\0b", "\0", "x"`),
  Q(String.raw`string.gsub, "a\0b", "\0", "x", 2`),
  Q(String.raw`string.gsub, "a\0b", "%z", "<%0>"`),
  Q(String.raw`string.gsub, "a\0b", "b\0zzz", "x"`),
  Q(String.raw`string.gsub, "ab", "^\0", "x"`),
  Q(String.raw`string.gsub, "a\0b", "[\0]", "x"`),
  Q(String.raw`string.gsub, "a\0b", "(.)", "%1\0%1"`),
  Q(String.raw`string.gsub, "abc", "b", "\0"`),
  Q(String.raw`string.gsub, "abc", "b", "x\0%0\0"`),
  Q(String.raw`string.gsub, "abc", "b", "%\0"`),
  Q(String.raw`string.gsub, "abc", "(b)", "%1\0%2"`),
  Q(String.raw`string.gsub, "abc", "b\0c", {b = "\0B"}`),
  Q(String.raw`string.gsub, "abc", "b\0c", function(m) return m .. "\0" end`),
  gather(String.raw`string.gmatch("a\0b\0", "\0")`),
  gather(String.raw`string.gmatch("a\0b\0c", "([^%z]+)\0x")`),
  gather(String.raw`string.gmatch("k=1\0k=2", "(%w)=(%d)\0")`),
  gather(String.raw`string.gmatch("a", "[\0]")`),
]

describe.skipIf(!hasNative('lua5.1'))('NULs in patterns, subjects and replacements: lua51 against native lua5.1', () => {
  it('find, match, gmatch and gsub read the pattern as a C string', async () => {
    await agrees(CASES, 'lua51')
  })

  it('gfind is gmatch', async () => {
    await agrees([gather(String.raw`string.gfind("a\0b\0", "\0")`), gather(String.raw`string.gfind("x\0y", "(.)\0")`)], 'lua51')
  })
})

describe.skipIf(!hasNative('lua5.3'))('NULs in patterns, subjects and replacements: lua53 against native lua5.3', () => {
  it('5.3 takes the whole pattern', async () => {
    await agrees(CASES, 'lua53')
  })
})
