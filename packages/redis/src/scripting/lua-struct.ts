// Over 250 lines: one Lua library (Redis's struct) held as a string; its pieces share the chunk's locals.
/**
 * Redis's `struct` (Roberto Ierusalimschy's struct library as bundled with Redis 7.0) in
 * Lua, part of the prelude chunk: `pack`, `unpack`, `size` with `<` `>` `!n` `x` `b` `B`
 * `h` `H` `l` `L` `T` `i[n]` `I[n]` `f` `d` `s` `c[n]`, native order little-endian, `long`
 * and `size_t` 8 bytes, `int` 4, integers up to 32 bytes. Numbers are written through
 * 64-bit integers as the C code does (fractions truncate, high bytes of wider sizes are 0).
 */
export const LUA_STRUCT = `
do
  local floor, huge, type, error, tonumber = math.floor, math.huge, type, error, tonumber
  local schar, sbyte, ssub, sfind, sformat, tconcat = string.char, string.byte, string.sub, string.find, string.format, table.concat
  local unpackList = table.unpack or unpack
  local TWO32 = 4294967296

  local function roundEven(m)
    local f = floor(m)
    local d = m - f
    if d > 0.5 or (d == 0.5 and f % 2 == 1) then return f + 1 end
    return f
  end
  local function split(x)
    local e = floor(math.log(x) / math.log(2))
    if 2 ^ e > x then e = e - 1 elseif 2 ^ (e + 1) <= x then e = e + 1 end
    return e, x / 2 ^ e - 1
  end
  -- IEEE-754 bits of x as (float)x and as a double, in two 32-bit halves for doubles
  local function floatBits(x)
    if x ~= x then return nanNegative(x) and 0xffc00000 or 0x7fc00000 end
    local s = 0
    if x < 0 or 1 / x < 0 then s, x = 2147483648, -x end
    if x == huge then return s + 0x7f800000 end
    if x == 0 then return s end
    local e, f = split(x)
    if e < -126 then return s + roundEven(x / 2 ^ -149) end
    local m = roundEven(f * 2 ^ 23)
    if m == 2 ^ 23 then e, m = e + 1, 0 end
    if e > 127 then return s + 0x7f800000 end
    return s + (e + 127) * 2 ^ 23 + m
  end
  local function doubleBits(x)
    if x ~= x then return nanNegative(x) and 0xfff80000 or 0x7ff80000, 0 end
    local s = 0
    if x < 0 or 1 / x < 0 then s, x = 2147483648, -x end
    if x == huge then return s + 0x7ff00000, 0 end
    if x == 0 then return s, 0 end
    local e, f = split(x)
    local m
    if e < -1022 then e, m = -1023, x / 2 ^ -1074 else m = f * 2 ^ 52 end
    return s + (e + 1023) * 2 ^ 20 + floor(m / TWO32), m % TWO32
  end
  local function fromFloatBits(b)
    local sign = b >= 2147483648 and -1 or 1
    local e, m = floor(b / 2 ^ 23) % 256, b % 2 ^ 23
    if e == 255 then return m == 0 and sign * huge or (sign < 0 and NEG_NAN or POS_NAN) end
    if e == 0 then return sign * m * 2 ^ -149 end
    return sign * (1 + m / 2 ^ 23) * 2 ^ (e - 127)
  end
  local function fromDoubleBits(hi, lo)
    local sign = hi >= 2147483648 and -1 or 1
    local e, m = floor(hi / 2 ^ 20) % 2048, (hi % 2 ^ 20) * TWO32 + lo
    if e == 2047 then return m == 0 and sign * huge or (sign < 0 and NEG_NAN or POS_NAN) end
    if e == 0 then return sign * m * 2 ^ -1074 end
    return sign * (1 + m / 2 ^ 52) * 2 ^ (e - 1023)
  end

  -- putinteger's value: n < 0 ? (uint64_t)(int64_t)n : (uint64_t)n as x86-64 converts, in
  -- 32-bit halves: truncated toward 0; NaN and what int64_t cannot hold below 0 are
  -- 0x8000000000000000 (cvttsd2si's answer), 2^64 and more (inf too) are 0
  local TWO63 = 9223372036854775808
  local function u64(n)
    if n ~= n or n < -TWO63 then return 2147483648, 0 end
    if n >= 2 * TWO63 then return 0, 0 end
    n = n < 0 and -floor(-n) or floor(n)
    local hi = floor(n / TWO32)
    local lo = n - hi * TWO32
    if hi < 0 then hi = hi + TWO32 end
    return hi, lo
  end
  -- little-endian byte values of a number as putinteger writes them (bytes past 8 are 0)
  local function intBytes(n, size)
    local hi, lo = u64(n)
    local out = {}
    for i = 1, size do
      if i <= 4 then out[i] = lo % 256; lo = floor(lo / 256)
      elseif i <= 8 then out[i] = hi % 256; hi = floor(hi / 256)
      else out[i] = 0 end
    end
    return out
  end
  local function emit(bytes, big)
    local n = #bytes
    local out = {}
    for i = 1, n do out[i] = big and bytes[n + 1 - i] or bytes[i] end
    return schar(unpackList(out))
  end
  local function readBytes(s, pos, size, big)
    local out = {}
    for i = 1, size do out[i] = sbyte(s, big and pos + size - i or pos + i - 1) end
    return out
  end

  -- getnum: digits as a C int, refusing what passes INT_MAX
  local function getnum(fmt, i, default)
    local _, e, digits = sfind(fmt, '^(%d+)', i)
    if not digits then return default, i end
    local a = 0
    for k = 1, #digits do
      local d = sbyte(digits, k) - 48
      if a > 214748364 or a * 10 > 2147483647 - d then error('integral size overflow', 0) end
      a = a * 10 + d
    end
    return a, e + 1
  end
  -- optsize: an option's size and the index after it (0 for control and unknown options)
  local function option(fmt, i)
    local opt = ssub(fmt, i, i)
    i = i + 1
    local size = 0
    if opt == 'b' or opt == 'B' or opt == 'x' then size = 1
    elseif opt == 'h' or opt == 'H' then size = 2
    elseif opt == 'l' or opt == 'L' or opt == 'T' or opt == 'd' then size = 8
    elseif opt == 'f' then size = 4
    elseif opt == 'c' then size, i = getnum(fmt, i, 1)
    elseif opt == 'i' or opt == 'I' then
      size, i = getnum(fmt, i, 4)
      if size > 32 then error(sformat('integral size %d is larger than limit of %d', size, 32), 0) end
    end
    return opt, size, i
  end
  -- controloptions: endianness and alignment; anything else is an invalid option
  local function control(fname, opt, fmt, i, h)
    if opt == '>' then h.big = true
    elseif opt == '<' then h.big = false
    elseif opt == '!' then
      local a
      a, i = getnum(fmt, i, 8)
      local p = a
      while p > 1 and p % 2 == 0 do p = p / 2 end
      if p ~= 1 then error(sformat('alignment %d is not a power of 2', a), 0) end
      h.align = a
    elseif opt ~= ' ' then
      error(sformat("bad argument #1 to '%s' (invalid format option '%s')", fname, opt), 0)
    end
    return i
  end
  -- a & m for m < 64 (m + 1 a power of 2 or not: the C code masks with size - 1 either way)
  local function band(a, m)
    local r, p = 0, 1
    while a > 0 and m > 0 do
      if a % 2 == 1 and m % 2 == 1 then r = r + p end
      a, m, p = floor(a / 2), floor(m / 2), p * 2
    end
    return r
  end
  -- gettoalign: (size - (len & (size - 1))) & (size - 1), sizes that are not powers of 2 too
  local function toalign(len, h, opt, size)
    if size == 0 or opt == 'c' then return 0 end
    if size > h.align then size = h.align end
    return band(size - band(len, size - 1), size - 1)
  end
  local function isInt(opt)
    return sfind('bBhHlLTiI', opt, 1, true) ~= nil
  end

  local function pack(fmt, ...)
    local h = { big = false, align = 1 }
    local out, total, arg, i = {}, 0, 2, 1
    local args = { ... }
    -- luaL_checknumber / luaL_checklstring of argument arg; past the last argument the C code
    -- finds the nil it pushed to separate the arguments from its buffer
    local function value(want)
      local v = args[arg - 1]
      local t = type(v)
      if t ~= 'number' and (t ~= 'string' or (want == 'number' and tonumber(v) == nil)) then
        error(sformat("bad argument #%d to 'pack' (%s expected, got %s)", arg, want, t), 0)
      end
      arg = arg + 1
      if want == 'number' then return tonumber(v) end
      return t == 'number' and tostring(v) or v
    end
    while i <= #fmt do
      local opt, size
      opt, size, i = option(fmt, i)
      local pad = toalign(total, h, opt, size)
      total = total + pad
      if pad > 0 then out[#out + 1] = string.rep('\\0', pad) end
      if isInt(opt) then out[#out + 1] = emit(intBytes(value('number'), size), h.big)
      elseif opt == 'f' then out[#out + 1] = emit(intBytes(floatBits(value('number')), 4), h.big)
      elseif opt == 'd' then
        local hi, lo = doubleBits(value('number'))
        local b, hb = intBytes(lo, 4), intBytes(hi, 4)
        for k = 1, 4 do b[4 + k] = hb[k] end
        out[#out + 1] = emit(b, h.big)
      elseif opt == 'x' then
        out[#out + 1] = '\\0'
      elseif opt == 'c' or opt == 's' then
        local v = value('string')
        if size == 0 then size = #v end
        -- the C code names the argument after the one it read
        if #v < size then error(sformat("bad argument #%d to 'pack' (string too short)", arg), 0) end
        out[#out + 1] = ssub(v, 1, size)
        if opt == 's' then out[#out + 1] = '\\0' size = size + 1 end
      else
        i = control('pack', opt, fmt, i, h)
      end
      total = total + size
    end
    return tconcat(out)
  end

  -- a little-endian integer of size bytes as Redis's getinteger reads it: the lowest 8 bytes
  -- accumulate in a uint64 as hi * 2^32 + lo; a signed value is sign-extended from bit
  -- size * 8 - 1, a shift count x86-64 takes modulo 64 (i9 extends from bit 7); the int64
  -- becomes a double with one rounding, as C's conversion does
  local function getinteger(b, size, signed)
    local lo, hi = 0, 0
    for k = 4, 1, -1 do lo = lo * 256 + (b[k] or 0) end
    for k = 8, 5, -1 do hi = hi * 256 + (b[k] or 0) end
    if signed then
      local s = (size * 8 - 1) % 64
      if s >= 32 then
        local m = 2 ^ (s - 32)
        if hi >= m then hi = hi % m - m end
      elseif hi > 0 or lo >= 2 ^ s then
        return lo % 2 ^ s - 2 ^ s
      end
    end
    return hi * TWO32 + lo
  end

  -- (size_t)x on x86-64: truncated toward 0, negative values wrap (past any string's
  -- length: stood for by 2^64), NaN is 2^63, 2^64 and more are 0
  local function sizeT(x)
    if x ~= x then return TWO63 end
    if x >= 2 * TWO63 then return 0 end
    x = x < 0 and -floor(-x) or floor(x)
    if x < 0 then return 2 * TWO63 end
    return x
  end

  local function unpack(fmt, data, pos, nargs)
    local ld = #data
    local h = { big = false, align = 1 }
    local res, n, i = {}, 0, 1
    while i <= #fmt do
      local opt, size
      opt, size, i = option(fmt, i)
      pos = pos + toalign(pos, h, opt, size)
      -- a negative pos stands for the C code's huge size_t
      if pos < 0 or size > ld or pos > ld - size then error("bad argument #2 to 'unpack' (data string too short)", 0) end
      -- luaL_checkstack(L, 2, ...) over the arguments and the values so far: 8,000 slots in Lua 5.1
      if nargs + n + 2 > 8000 then error('stack overflow (too many results)', 0) end
      if isInt(opt) then
        n = n + 1
        res[n] = getinteger(readBytes(data, pos + 1, size, h.big), size, sfind('bhli', opt, 1, true) ~= nil)
      elseif opt == 'f' then
        local b = readBytes(data, pos + 1, 4, h.big)
        n = n + 1
        res[n] = fromFloatBits(((b[4] * 256.0 + b[3]) * 256 + b[2]) * 256 + b[1])
      elseif opt == 'd' then
        local b = readBytes(data, pos + 1, 8, h.big)
        n = n + 1
        res[n] = fromDoubleBits(((b[8] * 256.0 + b[7]) * 256 + b[6]) * 256 + b[5], ((b[4] * 256.0 + b[3]) * 256 + b[2]) * 256 + b[1])
      elseif opt == 'c' then
        if size == 0 then
          -- lua_isnumber: a numeric string is a size too; the double becomes a size_t
          if n == 0 or tonumber(res[n]) == nil then error("format 'c0' needs a previous size", 0) end
          size = sizeT(tonumber(res[n]))
          res[n] = nil
          n = n - 1
          if size > ld or pos > ld - size then error("bad argument #2 to 'unpack' (data string too short)", 0) end
        end
        n = n + 1
        res[n] = ssub(data, pos + 1, pos + size)
      elseif opt == 's' then
        local e = sfind(data, '\\0', pos + 1, true)
        if not e then error('unfinished string in data', 0) end
        size = e - pos
        n = n + 1
        res[n] = ssub(data, pos + 1, e - 1)
      elseif opt ~= 'x' then
        i = control('unpack', opt, fmt, i, h)
      end
      pos = pos + size
    end
    n = n + 1
    res[n] = pos + 1
    -- res is a sequence; unpack's own arguments count against the 8,000 slots, so give it one
    return unpackList(res)
  end

  -- letters without a size are ignored here (pack and unpack refuse them)
  local function size(fmt)
    local h = { big = false, align = 1 }
    local pos, i = 0, 1
    while i <= #fmt do
      local opt, sz
      opt, sz, i = option(fmt, i)
      pos = pos + toalign(pos, h, opt, sz)
      if opt == 's' then error("bad argument #1 to 'size' (option 's' has no fixed size)", 0) end
      if opt == 'c' and sz == 0 then error("bad argument #1 to 'size' (option 'c0' has no fixed size)", 0) end
      if not sfind(opt, '^%w') then i = control('size', opt, fmt, i, h) end
      pos = pos + sz
    end
    return pos
  end

  local function settle(ok, ...)
    if not ok then raise((...), 2) end
    return ...
  end
  -- luaL_checklstring: strings and numbers (as their text)
  local function checkstring(fname, i, n, v)
    local t = type(v)
    if t == 'string' then return v end
    if t == 'number' then return tostring(v) end
    local got = i > n and 'no value' or t
    raise("bad argument #" .. i .. " to '" .. fname .. "' (string expected, got " .. got .. ')', 3)
  end
  -- a format as the C code reads it: a C string, which ends at its first NUL
  local function cformat(fmt)
    local z = sfind(fmt, '\\0', 1, true)
    if z then return ssub(fmt, 1, z - 1) end
    return fmt
  end
  -- luaL_optinteger: nil for the default, else a number or numeric string truncated toward 0
  local function offset(v)
    if v == nil then return 1 end
    local x = tonumber(v)
    if x == nil or (type(v) ~= 'number' and type(v) ~= 'string') then
      raise("bad argument #3 to 'unpack' (number expected, got " .. type(v) .. ')', 3)
    end
    -- (long long) of NaN and of out-of-range values is LLONG_MIN on x86-64
    if x ~= x or x >= 2 ^ 63 or x < -2 ^ 63 then return -2 ^ 63 end
    return x < 0 and -floor(-x) or floor(x)
  end
  local struct = {}
  struct.pack = function(...)
    local n = select('#', ...)
    local fmt = cformat(checkstring('pack', 1, n, (...)))
    return settle(rawpcall(pack, fmt, select(2, ...)))
  end
  struct.unpack = function(...)
    local n = select('#', ...)
    local fmt, data, init = ...
    fmt = cformat(checkstring('unpack', 1, n, fmt))
    data = checkstring('unpack', 2, n, data)
    init = offset(init)
    -- Redis's check: the offset as a size_t must be > 0, so only 0 fails here
    if init == 0 then raise("bad argument #3 to 'unpack' (offset must be 1 or greater)", 2) end
    return settle(rawpcall(unpack, fmt, data, init - 1, n))
  end
  struct.size = function(...)
    return settle(rawpcall(size, cformat(checkstring('size', 1, select('#', ...), (...)))))
  end
  BASE.struct = struct
end
`
