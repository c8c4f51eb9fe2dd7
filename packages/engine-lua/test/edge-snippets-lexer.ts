// Differential snippets for test/fidelity-edges.test.ts, second part: table.sort permutations
// with inconsistent comparators (arrays under 100 elements, where C Lua picks no random pivot),
// table.move / concat / unpack / insert / remove through metamethods (5.3), the lexer (line
// endings, long strings, escapes, comments, numerals), assignment order, closures in loops,
// and float printing and arithmetic edges.
import { iife, prng } from './native-lua.js'

type Mode = 'lua53' | 'lua51'

export function sortLexerCases(mode: Mode): string[] {
  const is53 = mode === 'lua53'
  const ld = is53 ? 'load' : 'loadstring'
  const out: string[] = []
  const rnd = prng(mode === 'lua53' ? 99 : 98)
  // sort permutations with odd comparators (arrays < 100: no random pivot)
  const cmps = [
    'function(a, b) return a <= b end',
    'function(a, b) return a >= b end',
    'function(a, b) return true end',
    'function(a, b) return false end',
    'function(a, b) return a % 3 < b % 3 end',
    'function(a, b) return (a * 7) % 5 < (b * 3) % 4 end',
    'nil',
    'function(a, b) return a > b end',
  ]
  for (let k = 0; k < 60; k++) {
    const n = 1 + Math.floor(rnd() * 40)
    const arr = Array.from({ length: n }, () => Math.floor(rnd() * 10))
    const cmp = cmps[k % cmps.length]
    out.push(
      iife(
        `local t = {${arr.join(',')}} local ok, e = pcall(table.sort, t, ${cmp}) local r = {} for i = 1, ${n} do r[i] = tostring(t[i]) end return ok, ok or (e:gsub("^.-:%d+: ", "")), table.concat(r, " ")`,
      ),
    )
  }
  // table.move / concat / unpack / insert with metamethods (5.3 uses lua_geti / lua_seti)
  if (is53) {
    for (const body of [
      'local t = {1, 2, 3, 4, 5} table.move(t, 2, 5, 1) return table.concat(t, ",")',
      'local t = {1, 2, 3, 4, 5} table.move(t, 1, 4, 2) return table.concat(t, ",")',
      'local t = {1, 2, 3} local u = table.move(t, 1, 3, 3, {}) return #u, u[3], u[5], u[1]',
      'local log = {} local src = setmetatable({}, {__index = function(_, k) log[#log + 1] = "g" .. k return k * 10 end}) local dst = setmetatable({}, {__newindex = function(t, k, v) log[#log + 1] = "s" .. k rawset(t, k, v) end}) table.move(src, 1, 3, 2, dst) return table.concat(log, ","), dst[2], dst[4]',
      'local log = {} local src = setmetatable({}, {__index = function(_, k) log[#log + 1] = k return k end}) table.move(src, 1, 3, 3) return table.concat(log, ",")',
      'local t = setmetatable({}, {__index = function(_, k) return "v" .. k end}) return table.concat(t, ",", 1, 3)',
      'local t = setmetatable({}, {__index = function(_, k) return k end, __len = function() return 4 end}) return table.unpack(t)',
      'local log = {} local t = setmetatable({1, 2}, {__newindex = function(t, k, v) log[#log + 1] = k rawset(t, k, v) end}) table.insert(t, 1, 0) table.insert(t, 9) return table.concat(log, ","), table.concat(t, ",")',
      'local t = setmetatable({}, {__len = function() return 3 end, __index = function(_, k) return k end}) return table.remove(t), table.remove(t, 1)',
      'return P(pcall(table.move, {1, 2}, 1, 2, 1, 5)), P(pcall(table.move, 1, 1, 1, 1))',
      'local t = {} t.n = 3 return select("#", table.unpack({1, nil, nil, n = 3}, 1, 3)), table.unpack({}, 3, 1)',
    ])
      out.push(iife(body))
  }
  // lexer: line endings, long strings, escapes, comments
  for (const src of [
    'return [[a\\r\\nb]]',
    'return [[a\\n\\rb]]',
    'return [[a\\rb]]',
    'return [[\\nx]]',
    'return [[\\r\\nx]]',
    'return [==[a]]b]==]',
    'return "a\\\\\\r\\nb"',
    'return "a\\\\\\nb"',
    'return "a\\\\\\rb"',
    '\\r\\n\\r\\nerror("x")',
    '\\n\\r\\n\\rerror("x")',
    '\\r\\rerror("x")',
    '--[[\\n\\n]] error("x")',
    '--[==[ ]] ]==] return 1',
    '-- c\\nreturn 2',
    'return 0x.1, 0x1.8p1, 1e-400, .5e1, 0xA.8',
    'return 0xffffffffffffffffff',
    'return 1//1',
    'return "\\x41\\65\\u{41}"',
    'return "\\z\\n   x"',
    'return "a\\z',
    "return '\\''",
    'return #[[\\n]]',
    'return [[',
    'return [=[ ]]',
    'return [=',
    'return "\\9" .. "\\09" .. "\\009"',
    '#!shebang\\nreturn 1',
    'return 3 -- [[ x\\n+ 1',
    'return 1 --[[ x ]] + 1',
    'return 0x1e+1',
    'return 1e1e1',
    'return 2.',
    'return 0x',
    'return 00012',
    'return 1 ..2',
  ]) {
    const s = JSON.stringify(src)
    out.push(iife(`local f, e = ${ld}(${s}) if not f then return false, e end return P(pcall(f))`))
  }
  // assignment order, closures
  for (const body of [
    'local a = {} local i = 1 i, a[i] = i + 1, 20 return i, a[1], a[2]',
    'local t = {} t[#t + 1], t[#t + 1] = 1, 2 return #t, t[1], t[2]',
    'local a, b, c = (function() return 1, 2, 3 end)() return a, b, c',
    'local a, b, c = (function() return 1, 2, 3 end)(), 10 return a, b, c',
    'local x, y = 1 return x, y',
    'local a = 1 local a = a + 1 return a',
    'local fs = {} for i = 1, 3 do fs[i] = function() return i end end return fs[1](), fs[3]()',
    'local fs = {} local i = 1 while i <= 3 do local j = i fs[i] = function() return j end i = i + 1 end return fs[1](), fs[3]()',
    'local t = {} local mt = {__newindex = function(t, k, v) rawset(t, k, v .. "!") end} setmetatable(t, mt) t.a, t.b = "x", "y" return t.a, t.b',
    'local t = setmetatable({}, {__index = function(t, k) return k end}) local a, b = t.x, t[1] return a, b',
    'return (function(...) local a, b = ... return select("#", ...), a, b end)()',
    'local function f(...) return ... end return select("#", f(nil, nil)), select("#", (f(1, 2)))',
    'return #{n = 1}, #{1, 2, 3, nil}, #{nil, nil, nil, 4}',
    'local s = 0 for i = 10, 1, -3 do s = s + i end return s',
    'local t = {} for k = 1, 3 do t[k] = k end for k, v in pairs(t) do t[k] = v * 2 end return t[1], t[2], t[3]',
    'local a = "x" return a:rep(2), ("y"):rep(2), #a:rep(3)',
    'return math.max(0, -0.0), math.min(0, -0.0), math.max(-0.0, 0), math.min(-0.0, 0)',
    'return 1/math.max(0.0, -0.0), 1/math.min(-0.0, 0.0)',
    'return tostring(2^1023 * 2), tostring(-2^1023 * 2), math.huge // 1, -math.huge % 2',
    'return 5 % math.huge, -5 % math.huge, 5 % -math.huge, -5 % -math.huge, 0 % math.huge',
    'return 5.0 // 0, -5 // 0.0, 0/0 == 0/0, math.abs(-0.0)',
    'return string.format("%.3f", 2.0005), string.format("%.2f", 0.125), string.format("%.0f", 0.5), string.format("%.0f", 1.5), string.format("%.0f", 2.5)',
    'return string.format("%5.1f|%-8.3e|%+g|%#.0f", -0.0, 12345.678, 1e20, 3)',
    'return string.format("%g", 100000), string.format("%g", 1000000), string.format("%g", 1e-4), string.format("%g", 1e-5), string.format("%.3g", 0.0001234)',
    'return string.format("%.14g", 0.1), string.format("%.17g", 0.1), string.format("%.20f", 0.1)',
    'return string.format("%99.99f", 1):len()',
    'return P(pcall(string.format, "%100.1f", 1)), P(pcall(string.format, "%1.100f", 1)), P(pcall(string.format, "%-----5d", 1))',
    'return string.format("%e", 0), string.format("%g", 0), string.format("%g", -0.0), string.format("%a", 0)',
  ])
    out.push(iife(body))
  return out
}
