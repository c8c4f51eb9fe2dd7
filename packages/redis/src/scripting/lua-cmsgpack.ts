// Over 250 lines: one Lua library (Redis's cmsgpack) held as a string; its pieces share the chunk's locals.
import { LUA_CMSGPACK_PARTIAL } from './lua-cmsgpack-partial.js'

/**
 * Redis's `cmsgpack` (lua_cmsgpack 0.4.0 as bundled with Redis 7.0) in Lua, part of the
 * prelude chunk. `pack` picks the smallest integer encoding for integral numbers, float32
 * when a number survives the round trip through a float, else float64; tables whose keys
 * are exactly 1..n are arrays, other tables maps (entries in table iteration order); tables
 * nested deeper than 16 pack as nil. `unpack` returns every object in the input; bin and
 * ext types are refused as "Bad data format in input." as in Redis's copy. `unpack_one` and
 * `unpack_limit`: lua-cmsgpack-partial.ts.
 */
export const LUA_CMSGPACK = `
do
  local type, pairs, ipairs, select, error, rawget, tostring = type, pairs, ipairs, select, error, rawget, tostring
  local floor, huge = math.floor, math.huge
  local schar, sbyte, ssub, tconcat = string.char, string.byte, string.sub, table.concat
  local unpackList = table.unpack or unpack
  local TWO32 = 4294967296

  -- v (0 <= v < 256^n, n 2 or 4) as n bytes, big-endian, in one string.char call
  local function bytesBE(v, n)
    local d = v % 256
    v = (v - d) / 256
    local c = v % 256
    if n == 2 then return schar(c, d) end
    v = (v - c) / 256
    local b = v % 256
    return schar((v - b) / 256 % 256, b, c, d)
  end

  -- sign, unbiased exponent and fraction of a finite non-zero double
  local function split(x)
    local s = 0
    if x < 0 then s, x = 1, -x end
    local e = floor(math.log(x) / math.log(2))
    if 2 ^ e > x then e = e - 1 elseif 2 ^ (e + 1) <= x then e = e + 1 end
    return s, e, x / 2 ^ e - 1
  end

  -- x as a float32 when (float)x == x, subnormal floats included
  local function float32(x)
    if x ~= x then return nil end
    if x == huge then return schar(0xca, 0x7f, 0x80, 0, 0) end
    if x == -huge then return schar(0xca, 0xff, 0x80, 0, 0) end
    local s, e, f = split(x)
    if e > 127 or e < -149 then return nil end
    local bits
    if e < -126 then
      local m = (s == 1 and -x or x) / 2 ^ -149
      if m ~= floor(m) then return nil end
      bits = m
    else
      local m = f * 2 ^ 23
      if m ~= floor(m) then return nil end
      bits = (e + 127) * 2 ^ 23 + m
    end
    return schar(0xca) .. bytesBE(s * 2 ^ 31 + bits, 4)
  end

  local function float64(x)
    -- the NaN's sign bit as the engine keeps it (0/0 is -nan on x86, as in Redis)
    if x ~= x then return schar(0xcb, nanNegative(x) and 0xff or 0x7f, 0xf8, 0, 0, 0, 0, 0, 0) end
    local s, e, f = split(x)
    local hi, lo
    if e < -1022 then
      local m = x * (s == 1 and -1 or 1) / 2 ^ -1074
      hi, lo = s * 2 ^ 31 + floor(m / TWO32), m % TWO32
    else
      local m = f * 2 ^ 52
      hi, lo = s * 2 ^ 31 + (e + 1023) * 2 ^ 20 + floor(m / TWO32), m % TWO32
    end
    return schar(0xcb) .. bytesBE(hi, 4) .. bytesBE(lo, 4)
  end

  local function integer(n)
    if n >= 0 then
      if n <= 127 then return schar(n) end
      if n <= 0xff then return schar(0xcc, n) end
      if n <= 0xffff then return schar(0xcd) .. bytesBE(n, 2) end
      if n <= 4294967295 then return schar(0xce) .. bytesBE(n, 4) end
      return schar(0xcf) .. bytesBE(floor(n / TWO32), 4) .. bytesBE(n % TWO32, 4)
    end
    if n >= -32 then return schar(0x100 + n) end
    if n >= -128 then return schar(0xd0, 0x100 + n) end
    if n >= -32768 then return schar(0xd1) .. bytesBE(0x10000 + n, 2) end
    if n >= -2147483648 then return schar(0xd2) .. bytesBE(TWO32 + n, 4) end
    -- split before going unsigned: n + 2^64 is not exact in a double
    local hi = floor(n / TWO32)
    return schar(0xd3) .. bytesBE(hi + TWO32, 4) .. bytesBE(n - hi * TWO32, 4)
  end

  local function header(n, fix, small, wide16, wide32)
    if n < small then return schar(fix + n) end
    if n <= 0xffff then return schar(wide16) .. bytesBE(n, 2) end
    return schar(wide32) .. bytesBE(n, 4)
  end

  local encode
  local function isArray(t)
    local max, count = 0, 0
    for k in pairs(t) do
      if type(k) ~= 'number' or k <= 0 or floor(k) ~= k then return false end
      if k > max then max = k end
      count = count + 1
    end
    return max == count, max
  end

  encode = function(v, out, level)
    local t = type(v)
    if t == 'number' then
      if v ~= huge and v ~= -huge and v == v and floor(v) == v and v >= -2 ^ 63 and v < 2 ^ 63 then
        out[#out + 1] = integer(v)
      else
        out[#out + 1] = float32(v) or float64(v)
      end
    elseif t == 'string' then
      local n = #v
      if n < 32 then out[#out + 1] = schar(0xa0 + n)
      elseif n <= 0xff then out[#out + 1] = schar(0xd9, n)
      elseif n <= 0xffff then out[#out + 1] = schar(0xda) .. bytesBE(n, 2)
      else out[#out + 1] = schar(0xdb) .. bytesBE(n, 4) end
      out[#out + 1] = v
    elseif t == 'boolean' then
      out[#out + 1] = v and schar(0xc3) or schar(0xc2)
    elseif t == 'table' and level < 16 and v ~= JSON_NULL then
      local array, n = isArray(v)
      if array then
        out[#out + 1] = header(n, 0x90, 16, 0xdc, 0xdd)
        for i = 1, n do encode(v[i], out, level + 1) end
      else
        local keys = tableKeys(v)
        out[#out + 1] = header(#keys, 0x80, 16, 0xde, 0xdf)
        for _, k in ipairs(keys) do
          encode(k, out, level + 1)
          encode(rawget(v, k), out, level + 1)
        end
      end
    else
      out[#out + 1] = schar(0xc0)
    end
  end

  local function need(s, i, n)
    if i + n - 1 > #s then error('Missing bytes in input.', 0) end
  end
  local function uint(s, i, n)
    if i + n - 1 > #s then error('Missing bytes in input.', 0) end
    -- one string.byte call for all n bytes (each call into the library costs more than the
    -- arithmetic); floats on purpose: integer arithmetic may be narrower than 32 bits unsigned
    if n == 1 then return sbyte(s, i) + 0.0 end
    if n == 2 then
      local a, b = sbyte(s, i, i + 1)
      return a * 256.0 + b
    end
    local a, b, c, d = sbyte(s, i, i + 3)
    return ((a * 256.0 + b) * 256.0 + c) * 256.0 + d
  end

  local decode
  local function decodeFloat32(s, i)
    local b = uint(s, i, 4)
    local sign = b >= 2 ^ 31 and -1 or 1
    local e = floor(b / 2 ^ 23) % 256
    local m = b % 2 ^ 23
    if e == 255 then return m == 0 and sign * huge or (sign < 0 and NEG_NAN or POS_NAN) end
    if e == 0 then return sign * m * 2 ^ -149 end
    return sign * (1 + m / 2 ^ 23) * 2 ^ (e - 127)
  end
  local function decodeFloat64(s, i)
    -- the two halves' bytes in one string.byte call (uint would check and read each half)
    need(s, i, 8)
    local a, b, c, d, e4, f5, g6, h7 = sbyte(s, i, i + 7)
    local hi, lo = ((a * 256.0 + b) * 256.0 + c) * 256.0 + d, ((e4 * 256.0 + f5) * 256.0 + g6) * 256.0 + h7
    local sign = hi >= 2 ^ 31 and -1 or 1
    local e = floor(hi / 2 ^ 20) % 2048
    local m = (hi % 2 ^ 20) * TWO32 + lo
    if e == 2047 then return m == 0 and sign * huge or (sign < 0 and NEG_NAN or POS_NAN) end
    if e == 0 then return sign * m * 2 ^ -1074 end
    return sign * (1 + m / 2 ^ 52) * 2 ^ (e - 1023)
  end
  local function signed(v, bits)
    if v >= 2 ^ (bits - 1) then return v - 2 ^ bits end
    return v
  end
  local function str(s, i, n)
    need(s, i, n)
    return ssub(s, i, i + n - 1), i + n
  end
  -- Redis's decoder keeps every value it is building on its C function's Lua stack, which
  -- lua_checkstack stops at LUAI_MAXCSTACK (8000) slots: 'top' counts those slots (the
  -- arguments, the values decoded so far, a table and its pending key per nesting level),
  -- so input nested too deep fails with Redis's message at Redis's depth (an array ~4000)
  local MAXCSTACK = 8000
  local TOO_MANY = 'stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)'
  local top = 0
  -- Elements of arrays and maps that are a fixint, a fixstr or nil (most of what BullMQ packs)
  -- are read in place, as decode reads them, without a decode call each (a Lua call costs
  -- ~1 µs in the engine); anything else, a missing byte, or a stack with no room for one
  -- more value (decode raises then) goes through decode. 'slen' is #s of the input being
  -- decoded (set by decodeAll).
  local slen = 0
  local function array(s, i, n)
    local base = top
    if base + 2 > MAXCSTACK then error('stack overflow (in function mp_decode_to_lua_array)', 0) end
    local t = {}
    local room = base + 3 <= MAXCSTACK
    for k = 1, n do
      top = base + 2
      local c = room and sbyte(s, i)
      if c and c <= 0x7f then
        t[k], i = c, i + 1
      elseif c and c >= 0xa0 and c <= 0xbf and i + c - 0xa0 <= slen then
        local j = i + 1 + c - 0xa0
        t[k], i = ssub(s, i + 1, j - 1), j
      elseif c == 0xc0 then
        t[k], i = nil, i + 1
      else
        t[k], i = decode(s, i)
      end
    end
    top = base
    return t, i
  end
  local function map(s, i, n)
    local base = top
    local t = {}
    local room = base + 3 <= MAXCSTACK
    for _ = 1, n do
      local k, v
      top = base + 1
      local c = room and sbyte(s, i)
      if c and c >= 0xa0 and c <= 0xbf and i + c - 0xa0 <= slen then
        local j = i + 1 + c - 0xa0
        k, i = ssub(s, i + 1, j - 1), j
      else
        k, i = decode(s, i)
      end
      top = base + 2
      c = room and sbyte(s, i)
      if c and c <= 0x7f then
        v, i = c, i + 1
      elseif c and c >= 0xa0 and c <= 0xbf and i + c - 0xa0 <= slen then
        local j = i + 1 + c - 0xa0
        v, i = ssub(s, i + 1, j - 1), j
      elseif c == 0xc0 then
        v, i = nil, i + 1
      else
        v, i = decode(s, i)
      end
      t[k] = v
    end
    top = base
    return t, i
  end

  decode = function(s, i)
    local c = sbyte(s, i)
    if not c then error('Missing bytes in input.', 0) end
    if top + 1 > MAXCSTACK then error(TOO_MANY, 0) end
    i = i + 1
    if c <= 0x7f then return c, i end
    if c >= 0xe0 then return c - 0x100, i end
    if c < 0xc0 then
      if c >= 0xa0 then
        -- fixstr, the most common item: read here rather than through str() and need()
        local j = i + c - 0xa0
        if j - 1 > #s then error('Missing bytes in input.', 0) end
        return ssub(s, i, j - 1), j
      end
      if c >= 0x90 then return array(s, i, c - 0x90) end
      return map(s, i, c - 0x80)
    end
    -- the rest by type byte, the ones BullMQ sends first
    if c == 0xc0 then return nil, i end
    if c == 0xde then return map(s, i + 2, uint(s, i, 2)) end
    if c == 0xcd then return uint(s, i, 2), i + 2 end
    if c == 0xcb then return decodeFloat64(s, i), i + 8 end
    if c == 0xdc then return array(s, i + 2, uint(s, i, 2)) end
    if c == 0xc2 then return false, i end
    if c == 0xc3 then return true, i end
    if c == 0xcc then return uint(s, i, 1), i + 1 end
    if c == 0xce then return uint(s, i, 4), i + 4 end
    if c == 0xd0 then return signed(uint(s, i, 1), 8), i + 1 end
    if c == 0xd1 then return signed(uint(s, i, 2), 16), i + 2 end
    if c == 0xd2 then return signed(uint(s, i, 4), 32), i + 4 end
    -- uint 64 too: lua_cmsgpack pushes it with lua_pushinteger, a signed 64-bit lua_Integer
    if c == 0xd3 or c == 0xcf then
      local hi, lo = uint(s, i, 4), uint(s, i + 4, 4)
      return signed(hi, 32) * TWO32 + lo, i + 8
    end
    if c == 0xca then return decodeFloat32(s, i), i + 4 end
    if c == 0xd9 then return str(s, i + 1, uint(s, i, 1)) end
    if c == 0xda then return str(s, i + 2, uint(s, i, 2)) end
    if c == 0xdb then return str(s, i + 4, uint(s, i, 4)) end
    if c == 0xdd then return array(s, i + 4, uint(s, i, 4)) end
    if c == 0xdf then return map(s, i + 4, uint(s, i, 4)) end
    error('Bad data format in input.', 0)
  end

  -- 'args': how many arguments the C function has on its stack
  local function decodeAll(s, args)
    slen = #s
    local out, n, i = {}, 0, 1
    while i <= #s do
      top = args + n
      n = n + 1
      out[n], i = decode(s, i)
    end
    -- unpack's own three arguments leave room for 7,997 results; Redis returns up to 7,999
    if n == 1 then return out[1] end
    if n > 7997 then return out[1], out[2], unpackList(out, 3, n) end
    return unpackList(out, 1, n)
  end

  local cmsgpack = {
    _NAME = 'cmsgpack',
    _VERSION = 'lua-cmsgpack 0.4.0',
    _COPYRIGHT = 'Copyright (C) 2012, Salvatore Sanfilippo',
    _DESCRIPTION = 'MessagePack C implementation for Lua',
  }
  cmsgpack.pack = function(...)
    local n = select('#', ...)
    if n == 0 then raise("bad argument #0 to 'pack' (MessagePack pack needs input.)", 2) end
    -- lua_checkstack(L, nargs) on top of its nargs: Lua 5.1 refuses past LUAI_MAXCSTACK (8,000) slots
    if n > 4000 then raise("bad argument #0 to 'pack' (Too many arguments for MessagePack pack.)", 2) end
    local out = {}
    local args = { ... }
    for k = 1, n do encode(args[k], out, 0) end
    return tconcat(out)
  end
  local function settle(ok, ...)
    if not ok then raise((...), 2) end
    return ...
  end
  -- luaL_checklstring: a number unpacks its text
  cmsgpack.unpack = function(...)
    local s = ...
    local t = type(s)
    if t == 'number' then s = tostring(s)
    elseif t ~= 'string' then
      local got = select('#', ...) == 0 and 'no value' or t
      raise("bad argument #1 to 'unpack' (string expected, got " .. got .. ')', 2)
    end
    return settle(rawpcall(decodeAll, s, select('#', ...)))
  end
${LUA_CMSGPACK_PARTIAL}
  BASE.cmsgpack = cmsgpack
end
`
