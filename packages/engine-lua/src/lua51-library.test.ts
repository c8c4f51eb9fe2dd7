import { describe, it } from 'vitest'
import { allResults as all, hasNative } from '../test/native-lua.js'
import { numberHosts } from '../test/number-hosts.js'

// lua51-library.ts and the base/table patches of lua51-library-patches.ts, each expression
// compared with native lua5.1 in the same run (skipped with a message when it is missing).
const { agrees } = numberHosts()

describe.skipIf(!hasNative('lua5.1'))("'lua51' library functions against native lua5.1", () => {
  it('math has 5.1 log10, frexp, ldexp (C int exponent), atan2, cosh, sinh, tanh', async () => {
    await agrees(
      [
        'math.log10(1e15)',
        "string.format('%.17g|%.17g|%.17g', math.log(3), math.log10(52), math.log(48))",
        'math.log10("100")',
        'math.log10(0)',
        all('math.frexp(1)'),
        all('math.frexp(-3)'),
        all('math.frexp(0.1)'),
        all('math.frexp(-0)'),
        all('math.frexp(1/0)'),
        all('math.frexp(5e-324)'),
        all('math.frexp(2^-1030)'),
        'math.frexp(nil)',
        'math.ldexp(1, 2.5)',
        'math.ldexp(-32769, -1/0)',
        'math.ldexp(1, 2^32 + 3)',
        'math.ldexp(0.5, 1025)',
        'math.ldexp(0.75, -1074)',
        'math.ldexp(1.5, -1075)',
        'math.ldexp(1.2345678, -1060)',
        'math.ldexp(-1, -2000)',
        'math.ldexp("2", "3")',
        'math.ldexp("x")',
        'math.atan2(1, 2)',
        'math.atan2(-0.0, -1)',
        'math.atan2("x")',
        'math.cosh(1)',
        'math.cosh(710)',
        'math.sinh(1)',
        'math.sinh(-0.0)',
        'math.tanh(0.5)',
        'math.tanh(20)',
      ],
      'lua51',
    )
  })

  it('math.max/min take numbers (luaL_checknumber) and math.modf keeps the sign of a zero fraction', async () => {
    await agrees(
      [
        all('math.max("10", 9)'),
        'type(math.max("1"))',
        'math.max(255, "0x10")',
        'math.max("x", 1)',
        'math.min(3, "a")',
        'math.min(nil)',
        'math.max()',
        'math.max(0/0, 1)',
        'math.max(1, 0/0)',
        'math.min(1/0, 0/0, 3)',
        all('math.modf(-1)'),
        all('math.modf(-0.5)'),
        all('math.modf(-1/0)'),
        all('math.modf(1/0)'),
        all('math.modf(-1e-310)'),
        all('math.modf("2.5")'),
      ],
      'lua51',
    )
  })

  it('tonumber: base 10 is the standard conversion, and a number with a base is read as its string', async () => {
    await agrees(
      [
        'tonumber("1.5", 10)',
        'tonumber("1e500", 10)',
        'tonumber("1e-400", 10)',
        'tonumber("inf", 10)',
        'tonumber("0x10", 10)',
        'tonumber("10", 10.9)',
        'tonumber(36, 36)',
        'tonumber(1.5, 16)',
        'tonumber(-255, 16)',
        'tonumber(1e15, 16)',
        'tonumber(0x7fffffff, -1)',
        'tonumber({}, 36)',
        'tonumber(nil, 10)',
      ],
      'lua51',
    )
  })

  it("table.insert/remove follow 5.1's positions, and table.sort checks its comparator", async () => {
    await agrees(
      [
        all('(function() local t = {1,2,3} table.insert(t, 7, "x") return t[7], #t, t[4] end)()'),
        all('(function() local t = {1,2} table.insert(t, 0, "x") return t[0], t[1], t[2], t[3] end)()'),
        all('(function() local t = {1,2} table.insert(t, -2, "x") return t[-2], t[-1], t[0], t[1], t[2], t[3] end)()'),
        all('(function() local t = {1,2} table.insert(t, 2^32 + 1, "x") return t[1], t[2], t[3] end)()'),
        all('(function() local t = {1,2,3} return table.remove(t, 7), #t end)()'),
        all('(function() local t = {1,2,3} return table.remove(t, 0), #t end)()'),
        all('(function() local t = {1,2,3} return table.remove(t, 4), #t end)()'),
        all('(function() local t = {1,2,3} return table.remove(t, 2.9), #t, t[2] end)()'),
        all('table.remove({})'),
        all('table.remove({}, 1)'),
        'table.sort({1}, "x")',
        'table.sort({}, 1)',
        all('table.sort({}, nil)'),
      ],
      'lua51',
    )
  })

  it('table has 5.1 maxn, foreach, foreachi and setn', async () => {
    await agrees(
      [
        'table.maxn({1, 2, [10] = 3, [20.5] = 1, x = 5})',
        'table.maxn({[-1] = 1})',
        'table.maxn(nil)',
        all('table.foreachi({5, 6}, function(i, v) if v == 6 then return i end end)'),
        all('table.foreachi({1, 2, 3}, function() end)'),
        all('table.foreach({x = 1}, function(k, v) return k .. v end)'),
        'table.foreach({1}, "x")',
        'table.foreachi({1}, nil)',
        'table.setn({}, 1)',
        'table.setn(1)',
      ],
      'lua51',
    )
  })

  it('xpcall takes any handler and passes no arguments; pairs and ipairs take tables only', async () => {
    await agrees(
      [
        all('xpcall(function() error("e") end, 1)'),
        all('xpcall(function() error({}) end, nil)'),
        all('xpcall(function() return 1, 2 end, nil)'),
        'xpcall(function() error("e") end)',
        all('xpcall(function(...) return select("#", ...) end, print, 1, 2)'),
        all('xpcall(function() error("e") end, function(m) return "h:" .. type(m) end)'),
        'pairs(nil)',
        'pairs(0)',
        "select('#', pairs({}))",
        'ipairs(1)',
        'ipairs()',
        '(function() local n = 0 for k in pairs(setmetatable({}, {__pairs = function() return next, {1}, nil end})) do n = n + 1 end return n end)()',
      ],
      'lua51',
    )
  })

  it('os.difftime takes an optional time_t t2, read before t1; table.concat checks its separator before the table', async () => {
    await agrees(
      [
        all('os.difftime(5), os.difftime("100"), os.difftime(5, nil), os.difftime(5.7, 1.2), os.difftime(-5.5)'),
        all('os.difftime(1e300), os.difftime(0/0, 1)'),
        all('pcall(os.difftime, "x", "y")'),
        all('pcall(os.difftime)'),
        all('pcall(os.difftime, 5, {})'),
        all('pcall(table.concat, "x", true)'),
        all('pcall(table.concat, "x")'),
        all('pcall(table.concat, {1, 2}, {})'),
        all('pcall(table.concat, nil, nil, "x")'),
        all('pcall(table.concat, {1, 2}, 5, "x")'),
        'table.concat({1, 2}, 0)',
      ],
      'lua51',
    )
  })
})
