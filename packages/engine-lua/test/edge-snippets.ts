// Differential snippets for test/fidelity-edges.test.ts: integer and float arithmetic edges,
// string → number coercion, string.format %s/%c/%i, unpack with holes, # of constructors with
// holes, next after modification, ipairs and __index, string comparison with embedded zeros,
// utf8 edge code points, goto and labels, number key normalisation, and error messages naming
// the nil field, local, upvalue or global. Values stay inside the engine's integer range.
import { iife } from './native-lua.js'

type Mode = 'lua53' | 'lua51'

/** Loads `body` and runs it protected: the syntax error's text, or the call's results. */
const loaded = (ld: string, body: string) =>
  iife(`local f, e = ${ld}(${JSON.stringify(body)}) if not f then return false, (e:gsub("^.-:%d+: ", "")) end return P(pcall(f))`)

export function numberEdgeCases(mode: Mode): string[] {
  const is53 = mode === 'lua53'
  const out: string[] = []
  for (const a of ['-1', '1', '0', '7', '-7', '3.5', '-3.5', '1e308', '-0.0', '4503599627370495'])
    for (const b of ['-1', '1', '0', '-0.0', '2', '-2', '0.5', '1/0'])
      out.push(iife(`local a, b = ${a}, ${b} return P(pcall(function() return ${is53 ? 'a // b,' : ''} a % b, a / b, a * b, a - b end))`))
  const strs = [
    '"0x1p4"',
    '" 10 "',
    '"1e"',
    '"inf"',
    '"nan"',
    '"  0x10  "',
    '"1e1"',
    '"0x"',
    '"1 2"',
    '"- 1"',
    '"-0x10"',
    '"0x1P-2"',
    '"1."',
    '".5"',
  ]
  strs.push('"5e+"', '"\\t7\\n"', '"0b1"', '"1e400"', '"-1e400"', '"0X1F"', '"+5"', '"++5"', '"1e308"', '"0x.8"', '""', '" "', '"10\\0"')
  for (const s of strs) {
    out.push(iife(`return P(pcall(function() return ${s} + 0 end)), tonumber(${s})`))
    out.push(iife(`return P(pcall(function() return ${s} * 1, -${s} end))`))
    out.push(iife(`return P(pcall(string.rep, 'a', ${s})), P(pcall(string.sub, 'abcdef', ${s}))`))
    if (is53)
      out.push(
        iife(`return P(pcall(math.tointeger, ${s})), P(pcall(math.type, ${s})), P(pcall(function() return ${s} // 1, ${s} | 0 end))`),
      )
  }
  if (is53) {
    for (const v of ['2^31', '1e15', '3.0', '3.5', '-0.0', '0/0', '1/0', '"3"', '"3.0"', '"x"', '{}', 'nil'])
      out.push(iife(`return P(pcall(math.tointeger, ${v})), P(pcall(function() return ${v} | 0 end)), P(pcall(string.format, '%d', ${v}))`))
    out.push(iife('return 5 // 0.0, -5 // 0.0, 0 // 0.0, P(pcall(function() return 5 // 0 end)), P(pcall(function() return 5 % 0 end))'))
    out.push(iife('return 3 % -2, -3 % 2, 3.0 % -2, -3 % 2.0, 5.5 % -1, -5.5 % 1, 3 % math.huge, -3 % math.huge, 3 % -math.huge'))
    out.push(iife('return 1 // -1, -1 // 1, 7 // -2, -7 // 2, 7.0 // -2, -0.0 // 1, 0.0 // -1'))
    out.push(iife('return math.ult(1, -1), math.ult(-1, 1), math.abs(-0.0), math.max(1, 2.0), math.min(1.0, 1)'))
    out.push(iife('return 1 < 1.5, 2^53 == 2^53 + 1, 9007199254740991 < 9007199254740992.0, 1 == 1.0, math.type(2^31 | 0)'))
    out.push(
      iife(
        'return 1e15 | 0, P(pcall(function() return 1.5 | 0 end)), P(pcall(function() return "1.5" | 0 end)), P(pcall(function() return "a" | 0 end))',
      ),
    )
    out.push(iife('return 7 >> 1, -1 >> 63, 1 << 64, 1 >> -1, ~0, 5 ~ 3, "3" & 1, 1 << 52'))
  }
  return out
}

export function libraryEdgeCases(mode: Mode): string[] {
  const is53 = mode === 'lua53'
  const unpack = is53 ? 'table.unpack' : 'unpack'
  const out: string[] = []
  for (const f of [
    '%5.2s',
    '%-5.2s',
    '%.0s',
    '%c',
    '%i',
    '%5i',
    '%-5i|',
    '%05i',
    '%+i',
    '% i',
    '%.3i',
    '%x',
    '%5c|',
    '%-3c|',
    '%o',
    '%5.1s|',
  ])
    for (const a of ['0', '65', '"hello"', '255', '-3', '3.0', '"12"', '2.5', 'nil', '{}'])
      out.push(iife(`return P(pcall(string.format, '${f}', ${a}))`))
  out.push(iife("return #string.format('%c', 0), string.format('a%cb', 0) == 'a\\0b'"))
  out.push(
    iife(
      "return P(pcall(string.format, '%')), P(pcall(string.format, '%y', 1)), P(pcall(string.format, '%10.100s', 'x')), P(pcall(string.format, '%100d', 1))",
    ),
  )
  out.push(
    iife(
      "return P(pcall(string.format, '%d')), P(pcall(string.format, '%s %s', 1)), string.format('%%'), P(pcall(string.format, '%5', 1))",
    ),
  )
  for (const t of ['{1, nil, 3}', '{nil, nil, 3}', '{1, 2, nil}', '{n = 5, 1, 2}', '{1, nil, 3, n = 2}', '{}', '{nil}'])
    for (const r of ['', ', 1, 3', ', 2', ', 1, 0', ', -1, 1', ', 3, 5']) out.push(iife(`local t = ${t} return ${unpack}(t${r})`))
  out.push(iife(`local t = {n = 3, 1, nil, 3} return ${unpack}(t, 1, t.n)`))
  if (is53) out.push(iife('local t = table.pack(1, nil, nil) return t.n, #t, table.unpack(t, 1, t.n)'))
  for (const t of [
    '{1, 2, nil}',
    '{1, nil, 3}',
    '{nil, nil, 3}',
    '{nil, 2}',
    '{1, 2, 3, nil, 5}',
    '{1, 2, 3, nil, 5, nil}',
    '{nil}',
    '{n = 1, nil, 2}',
  ])
    out.push(iife(`local t = ${t} return #t`))
  for (const t of [
    '{1, nil}',
    '{nil, nil}',
    '{1, 2, nil, nil, 5}',
    '{[1] = 1, [2] = 2, [4] = 4}',
    '{[1] = 1, 2}',
    '{1, [3] = 3}',
    '{1, 2, 3, [5] = 5}',
    '{(nil), 2, 3}',
  ])
    out.push(iife(`local t = ${t} return #t`))
  for (const body of [
    'local t = {1, 2, 3} t[2] = nil return #t',
    'local t = {1, 2, 3} t[3] = nil return #t',
    'local t = {} t[1] = 1 t[2] = 2 t[4] = 4 return #t',
    'local t = {} t[1] = 1 t[3] = 3 return #t',
    'local t = {} for i = 1, 10 do t[i] = i end t[5] = nil return #t',
    'local t = {} for i = 1, 8 do t[i] = i end t[8] = nil t[4] = nil return #t',
    'local t = {a = 1, b = 2} return P(pcall(next, t, "zz"))',
    'local t = {a = 1} return P(pcall(next, t, 1))',
    'local t = {1, 2} return P(pcall(next, t, 3)), P(pcall(next, t, 2))',
    'local t = {a = 1, b = 2, c = 3} for k in pairs(t) do t[k] = nil end return next(t)',
    'local t = {} return next(t), P(pcall(next, t, {}))',
    'return P(pcall(next)), P(pcall(next, nil)), P(pcall(next, {}, nil, 1))',
    'local n = 0 for i, v in ipairs({1, 2, nil, 4}) do n = n + 1 end return n',
    'local t = setmetatable({}, {__index = function(t, i) if i <= 3 then return i * 10 end end}) local s = 0 for i, v in ipairs(t) do s = s + v end return s',
    'local t = setmetatable({1}, {__index = {nil, 2, 3}}) local s = 0 for i, v in ipairs(t) do s = s + v end return s',
    'local f, s, i = ipairs({}) return type(f), i, f({5}, 0), f({5}, 1)',
    'local ok, f = pcall(ipairs) return ok, type(f), select("#", pcall(ipairs, nil))',
    'local r = {} for i, v in ipairs({1, 2, 3}) do r[#r + 1] = i .. "=" .. v end return table.concat(r, ",")',
    'local t = {"b\\0", "b", "a\\0z", "a", "\\0"} table.sort(t) local r = {} for i, v in ipairs(t) do r[i] = (v:gsub("%z", "0")) end return table.concat(r, ",")',
  ])
    out.push(iife(body))
  const pairsOf = [
    ['"a\\0b"', '"a\\0c"'],
    ['"a\\0"', '"a"'],
    ['"\\0"', '""'],
    ['"a\\0b"', '"a"'],
    ['"\\0\\0"', '"\\0"'],
  ]
  pairsOf.push(['"a\\0"', '"a\\1"'], ['"\\255"', '"\\0"'], ['"abc"', '"abd"'], ['"Z"', '"a"'], ['"\\128"', '"\\127"'])
  for (const [a, b] of pairsOf) out.push(iife(`local a, b = ${a}, ${b} return a < b, a <= b, a == b, b < a, a > b`))
  return out
}

export function utf8GotoCases(mode: Mode): string[] {
  const out: string[] = []
  if (mode === 'lua51') {
    for (const body of ['goto l ::l::', '::l::', 'local goto = 1 return goto', 'goto = 3 return goto']) out.push(loaded('loadstring', body))
    return out
  }
  for (const c of [
    '0',
    '0x7F',
    '0x80',
    '0x7FF',
    '0x800',
    '0xFFFF',
    '0x10000',
    '0x10FFFF',
    '0x110000',
    '0x7FFFFFFF',
    '0x80000000',
    '-1',
    '0xD800',
    '0xDFFF',
    '2.0',
    '2.5',
    '"65"',
  ])
    out.push(iife(`return P(pcall(function() local s = utf8.char(${c}) return #s, utf8.len(s), utf8.codepoint(s), s:byte(1, -1) end))`))
  const subjects = [
    '"\\xF4\\x90\\x80\\x80"',
    '"\\xC0\\x80"',
    '"\\xE0\\x80\\x80"',
    '"\\xED\\xA0\\x80"',
    '"\\xF8\\x88\\x80\\x80\\x80"',
    '"\\xFD\\xBF\\xBF\\xBF\\xBF\\xBF"',
  ]
  subjects.push('"abc\\xFF"', '"\\x80"', '"a\\u{10FFFF}b"', '""', '"\\xC2"', '"\\xC2\\x80"')
  for (const s of subjects)
    out.push(
      iife(
        `local s = ${s} return P(pcall(utf8.len, s)), P(pcall(utf8.codepoint, s, 1, -1)), P(pcall(utf8.offset, s, 2)), P(pcall(utf8.offset, s, -1))`,
      ),
      iife(
        `local s = ${s} return P(pcall(function() local r = {} for p, c in utf8.codes(s) do r[#r + 1] = p .. ":" .. c end return table.concat(r, ",") end))`,
      ),
    )
  for (const [i, j] of [
    ['0', 'nil'],
    ['-1', 'nil'],
    ['5', 'nil'],
    ['4', 'nil'],
    ['1', '-1'],
    ['2', '1'],
    ['-10', 'nil'],
    ['1', '10'],
  ])
    out.push(iife(`return P(pcall(utf8.len, "héllo", ${i}, ${j})), P(pcall(utf8.codepoint, "héllo", ${i}, ${j}))`))
  for (const [n, i] of [
    ['0', '1'],
    ['0', '3'],
    ['1', '3'],
    ['-1', 'nil'],
    ['3', '2'],
    ['0', '7'],
    ['1', '7'],
    ['2', '0'],
    ['1', '8'],
    ['-5', 'nil'],
    ['10', 'nil'],
  ])
    out.push(iife(`return P(pcall(utf8.offset, "héllo", ${n}, ${i}))`))
  out.push(iife('return utf8.charpattern, P(pcall(utf8.char)), P(pcall(utf8.char, "x"))'))
  out.push(iife('return "\\u{7FFFFFFF}":byte(1, -1)'))
  out.push(iife('return P(load("return \\"\\\\u{80000000}\\"")), P(load("return \\"\\\\u{}\\"")), P(load("return \\"\\\\u{110000}\\""))'))
  for (const body of [
    'local i = 1 ::top:: i = i + 1 if i < 5 then goto top end return i',
    'for i = 1, 3 do for j = 1, 3 do if j == 2 then goto continue end end ::continue:: end return "ok"',
    'do goto l end local x = 1 ::l:: return "jumped"',
    'goto nowhere',
    '::a:: ::a::',
    'local x goto f local y ::f:: return y',
    'do goto f; local a; ::f:: end return 1',
    'goto f; local a; ::f:: return 1',
    'goto f; do ::f:: end',
    'local function g() goto out end ::out::',
    'while true do goto e end ::e:: return "e"',
    'repeat local x = 1 goto c ::c:: until x == 1 return "r"',
    'repeat goto c local x ::c:: until x return "r"',
    '::l1:: do ::l1:: end return 2',
    'local t = {} for i = 1, 3 do local x = i t[i] = function() return x end goto skip ::skip:: end return t[1]() + t[3]()',
    'if true then goto a end ::a:: ::b:: return 3',
  ])
    out.push(loaded('load', body))
  return out
}

export function keyAndNameCases(): string[] {
  const out: string[] = []
  for (const body of [
    'local t = {} t[2^53] = "f" return t[2^53]',
    'local t = {} t[2^52] = "f" return t[4503599627370496]',
    'local t = {} t[3.0] = "a" t[3] = "b" local n = 0 for k in pairs(t) do n = n + 1 end return n, t[3.0], math.type and math.type(next(t))',
    'local t = {} t[-0.0] = "z" return t[0], next(t)',
    'local t = {} t[2^31] = 1 return next(t), math.type and math.type(next(t))',
    'local t = {[1.0] = 1, [2.0] = 2} return #t, math.type and math.type(next(t))',
    'local t = {} t["1"] = 1 t[1] = 2 return t["1"], t[1]',
    'local t = {} t[1e15] = 1 return t[1000000000000000], math.type and math.type(next(t))',
    'local t = {} t[0.1 + 0.2] = 1 return t[0.3], t[0.1 + 0.2]',
    'local t = {} rawset(t, 2.0, "x") return rawget(t, 2), #t',
  ])
    out.push(iife(body))
  for (const body of [
    'local t = {} return t.x.y',
    'local t = {} t.x.y = 1',
    'return undefinedglobal.x',
    'undefinedglobal.x = 1',
    'local a return a.x',
    'local a a.x = 1',
    'local up local function f() return up.x end return f()',
    'local up local function f() up.x = 1 end f()',
    'local t = {} t.f()',
    'local t = {} t:m()',
    'nofunc()',
    'local l l()',
    'local up local function f() up() end f()',
    'local t = {} return t.x + 1',
    'local t = {} return -t.x',
    'local t = {} return #t.x',
    'local t = {} return t.x .. "a"',
    'local t = {x = {}} return t.x < 1',
    'return ("x")()',
    'return (1)()',
    'local t = {} return t[1].x',
    'local t = {} local k = "key" return t[k].x',
    'local t = {{}} return t[1][2].x',
    'return math.nofn()',
    'return string.nofn("x")',
    'return ("x"):nomethod()',
    'local t = setmetatable({}, {__index = function() return nil end}) return t.a.b',
    'local a = {} a.b = {} return a.b.c.d',
    'local s = "x" return s.y.z',
    'return (nil).x',
    'local t = {} t[nil] = 1',
    'local x = 1 return x.y',
    'local x = true return x.y',
    'return #nil',
    'local t = {} t.x.y.z = 1',
    'local t = {} for k, v in t.x do end',
    'for i = 1, "x" do end',
    'for i = nil, 10 do end',
    'local t = {} return t.a and t.a.b or t.c.d',
    'return 1 + {}',
    'return {} .. {}',
    'return 2^"x"',
    'local a = "10" return a + {}',
    'return print.x',
    'return getmetatable("").__index.upper.x',
  ])
    out.push(iife(`return P(pcall(function() ${body} end))`))
  return out
}
