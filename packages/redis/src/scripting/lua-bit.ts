/**
 * Redis's `bit` (LuaBitOp 1.0) in Lua, over plain arithmetic so it works with Lua 5.1 and
 * 5.3 numbers alike: every operation works on 32 bits and returns a signed 32-bit number;
 * `tobit` rounds halves to even as LuaBitOp's 2^52+2^51 trick does.
 */
export const LUA_BIT = `
do
  local floor, type, error, tostring = math.floor, type, error, tostring
  local ssub, supper = string.sub, string.upper
  local TWO32, TWO31 = 4294967296, 2147483648

  local function u32(x)
    if type(x) ~= 'number' then
      local n = tonumber(x)
      if n == nil then error("bad argument #1 to '?' (number expected, got " .. type(x) .. ')', 3) end
      x = n
    end
    local r = floor(x)
    local d = x - r
    if d > 0.5 or (d == 0.5 and r % 2 == 1) then r = r + 1 end
    return r % TWO32
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
  local function fold(op, ...)
    local n = select('#', ...)
    local r = u32((...))
    for i = 2, n do r = bitwise(r, u32((select(i, ...))), op) end
    return s32(r)
  end

  local bit = {}
  bit.tobit = function(x) return s32(u32(x)) end
  bit.bnot = function(x) return s32(TWO32 - 1 - u32(x)) end
  bit.band = function(...) return fold(andf, ...) end
  bit.bor = function(...) return fold(orf, ...) end
  bit.bxor = function(...) return fold(xorf, ...) end
  bit.lshift = function(x, n) return s32((u32(x) * 2 ^ (u32(n) % 32)) % TWO32) end
  bit.rshift = function(x, n) return s32(floor(u32(x) / 2 ^ (u32(n) % 32))) end
  bit.arshift = function(x, n)
    local v, k = s32(u32(x)), u32(n) % 32
    return s32(u32(floor(v / 2 ^ k)))
  end
  bit.rol = function(x, n)
    local v, k = u32(x), u32(n) % 32
    return s32((v * 2 ^ k) % TWO32 + floor(v / 2 ^ (32 - k)))
  end
  bit.ror = function(x, n)
    local v, k = u32(x), u32(n) % 32
    return s32(floor(v / 2 ^ k) + (v * 2 ^ (32 - k)) % TWO32)
  end
  bit.bswap = function(x)
    local v = u32(x)
    local b0, b1, b2, b3 = v % 256, floor(v / 256) % 256, floor(v / 65536) % 256, floor(v / 16777216)
    return s32(((b0 * 256 + b1) * 256 + b2) * 256 + b3)
  end
  bit.tohex = function(x, n)
    local v = u32(x)
    n = n == nil and 8 or s32(u32(n))
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
