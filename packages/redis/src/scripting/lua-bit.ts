/**
 * Redis's `bit` (LuaBitOp 1.0) in Lua, over plain arithmetic on doubles: every operation
 * works on 32 bits and returns a signed 32-bit number.
 *
 * LuaBitOp turns an argument into 32 bits by adding 2^52 + 2^51 and reading the low word of
 * the sum's IEEE-754 bits. Below 2^51 that is rounding to nearest (halves to even) modulo
 * 2^32; beyond it the sum's exponent grows and the low word holds the mantissa's low bits,
 * whatever they are (tobit(1e16) is 937459712), and ±inf and NaN give 0. `u32` reproduces
 * the low word exactly: scaling a double by 2 is exact, so bringing the sum into
 * [2^52, 2^53) leaves its mantissa as an integer.
 */
export const LUA_BIT = `
do
  local floor, type, error, tonumber, select, huge = math.floor, type, error, tonumber, select, math.huge
  local ssub, supper = string.sub, string.upper
  local TWO32, TWO31, TWO52, TWO53 = 4294967296, 2147483648, 4503599627370496, 9007199254740992

  -- the low word of (n + 2^52 + 2^51)'s bits, unsigned
  local function lowWord(n)
    local r = n + 6755399441055744
    if r ~= r or r == huge or r == -huge then return 0 end
    if r < 0 then r = -r end
    if r == 0 then return 0 end
    while r >= TWO53 do r = r / 2 end
    while r < TWO52 do r = r * 2 end
    return r % TWO32
  end
  -- argument i of fname as LuaBitOp's barg reads it: numbers and numeric strings
  local function u32(fname, i, n, x)
    if type(x) ~= 'number' then
      local v = tonumber(x)
      if v == nil or type(x) ~= 'string' then
        local got = i > n and 'no value' or type(x)
        raise("bad argument #" .. i .. " to '" .. fname .. "' (number expected, got " .. got .. ')', 3)
      end
      x = v
    end
    return lowWord(x)
  end
  local function s32(u)
    if u >= TWO31 then return u - TWO32 end
    return u
  end
  local function bitwise(a, b, op)
    local r, p = 0, 1
    for _ = 1, 32 do
      local x, y = a % 2, b % 2
      if op(x, y) then r = r + p end
      a, b, p = (a - x) / 2, (b - y) / 2, p * 2
    end
    return r
  end
  local function andf(x, y) return x == 1 and y == 1 end
  local function orf(x, y) return x == 1 or y == 1 end
  local function xorf(x, y) return x ~= y end
  -- LuaBitOp's BIT_OP reads argument 1, then the rest from the last one down
  local function fold(fname, op, ...)
    local n = select('#', ...)
    local r = u32(fname, 1, n, (...))
    for i = n, 2, -1 do r = bitwise(r, u32(fname, i, n, (select(i, ...))), op) end
    return s32(r)
  end
  -- (x, shift) functions: the shift is taken modulo 32, as LuaBitOp masks it with 31
  local function shifter(fname, f)
    return function(...)
      local n = select('#', ...)
      local x, k = ...
      return s32(f(u32(fname, 1, n, x), u32(fname, 2, n, k) % 32))
    end
  end

  local bit = {}
  bit.tobit = function(...) return s32(u32('tobit', 1, select('#', ...), (...))) end
  bit.bnot = function(...) return s32(TWO32 - 1 - u32('bnot', 1, select('#', ...), (...))) end
  bit.band = function(...) return fold('band', andf, ...) end
  bit.bor = function(...) return fold('bor', orf, ...) end
  bit.bxor = function(...) return fold('bxor', xorf, ...) end
  bit.lshift = shifter('lshift', function(v, k) return (v * 2 ^ k) % TWO32 end)
  bit.rshift = shifter('rshift', function(v, k) return floor(v / 2 ^ k) end)
  bit.arshift = shifter('arshift', function(v, k) return floor(s32(v) / 2 ^ k) % TWO32 end)
  bit.rol = shifter('rol', function(v, k) return (v * 2 ^ k) % TWO32 + floor(v / 2 ^ (32 - k)) end)
  bit.ror = shifter('ror', function(v, k) return floor(v / 2 ^ k) + (v * 2 ^ (32 - k)) % TWO32 end)
  bit.bswap = function(...)
    local v = u32('bswap', 1, select('#', ...), (...))
    local b0, b1, b2, b3 = v % 256, floor(v / 256) % 256, floor(v / 65536) % 256, floor(v / 16777216)
    return s32(((b0 * 256 + b1) * 256 + b2) * 256 + b3)
  end
  -- the last n hex digits (upper case for negative n); n is read only when given, even nil
  bit.tohex = function(...)
    local argc = select('#', ...)
    local x, n = ...
    local v = u32('tohex', 1, argc, x)
    n = argc < 2 and 8 or s32(u32('tohex', 2, argc, n))
    local upper = n < 0
    if upper then n = -n end
    if n > 8 then n = 8 end
    local digits = {}
    for i = 8, 1, -1 do
      local d = v % 16
      digits[i] = ssub('0123456789abcdef', d + 1, d + 1)
      v = (v - d) / 16
    end
    local s = ssub(table.concat(digits), 9 - n)
    if upper then s = supper(s) end
    return s
  end
  BASE.bit = bit
end
`
