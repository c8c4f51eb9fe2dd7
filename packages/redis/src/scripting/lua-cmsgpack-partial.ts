/**
 * `cmsgpack.unpack_one` and `cmsgpack.unpack_limit`, as lua_cmsgpack.c's `mp_unpack_full`
 * has them in Redis 7.0: part of the `cmsgpack` block of the prelude chunk (lua-cmsgpack.ts),
 * whose locals (`decode`, `decodeAll`, `top`, `slen`, `settle`, `cmsgpack`) they share.
 *
 * - `unpack_one(s [, offset])` is `mp_unpack_full(limit 1, offset)`; `unpack_limit(s, limit
 *   [, offset])` is `mp_unpack_full(limit, offset)`. Both return the offset to go on from
 *   (-1 once the input is used up), then the values decoded. A limit and an offset of 0 both
 *   is `unpack` (no offset returned), as in C (`decode_all`).
 * - The numbers are read as `luaL_checkinteger`/`luaL_optinteger` read them (a number or a
 *   numeric string) into a `lua_Integer`: truncated toward zero, out of 64-bit range (or NaN)
 *   INT64_MIN, as x86-64 converts. The limit is read before the offset, both before the string.
 * - A negative offset or limit fails with "Invalid request to unpack with offset of %d and
 *   limit of %d.", where C passes the input's length for the limit; an offset past the end
 *   fails with "Start offset %d greater than input length %d." (numbers cast to `int`: their
 *   low 32 bits, signed).
 * - The C function drops every argument but the first before decoding, so the values count
 *   against the Lua stack from one argument on, as in `decodeAll(s, 1)`; the offset needs one
 *   more slot ("stack overflow (in function mp_unpack_full)" without it).
 */
export const LUA_CMSGPACK_PARTIAL = `
  local tonumber, sformat = tonumber, string.format
  -- luaL_checkinteger / luaL_optinteger (default 0) of argument 'narg', as a lua_Integer
  local function cInteger(n, narg, v, fname, opt)
    if opt and v == nil then return 0 end
    local x = (type(v) == 'number' or type(v) == 'string') and tonumber(v)
    if not x then
      local got = narg > n and 'no value' or type(v)
      raise('bad argument #' .. narg .. " to '" .. fname .. "' (number expected, got " .. got .. ')', 3)
    end
    if x ~= x or x >= 2 ^ 63 or x < -2 ^ 63 then return -2 ^ 63 end
    return x >= 0 and floor(x) or -floor(-x)
  end
  -- (int) x: the low 32 bits, signed
  local function cInt(x)
    x = x % TWO32
    if x >= 2 ^ 31 then x = x - TWO32 end
    return sformat('%d', x)
  end
  local function checkString(n, s, fname)
    local t = type(s)
    if t == 'number' then return tostring(s) end
    if t ~= 'string' then
      raise("bad argument #1 to '" .. fname .. "' (string expected, got " .. (n == 0 and 'no value' or t) .. ')', 3)
    end
    return s
  end
  -- the offset to go on from, then up to 'limit' values from byte 'offset' (0-based) on
  local function decodeSome(s, limit, offset)
    slen = #s
    local out, n, i = {}, 1, offset + 1
    while i <= slen and n <= limit do
      top = n
      n = n + 1
      out[n], i = decode(s, i)
    end
    if n + 1 > MAXCSTACK then error('stack overflow (in function mp_unpack_full)', 0) end
    out[1] = i > slen and -1 or i - 1
    if n > 7997 then return out[1], out[2], out[3], unpackList(out, 4, n) end
    return unpackList(out, 1, n)
  end
  local function unpackFull(s, limit, offset)
    if offset < 0 or limit < 0 then
      error('Invalid request to unpack with offset of ' .. cInt(offset) .. ' and limit of ' .. #s .. '.', 0)
    end
    if offset > #s then error('Start offset ' .. cInt(offset) .. ' greater than input length ' .. #s .. '.', 0) end
    if limit == 0 and offset == 0 then return decodeAll(s, 1) end
    return decodeSome(s, limit, offset)
  end
  cmsgpack.unpack_one = function(...)
    local n = select('#', ...)
    local s, offset = ...
    offset = cInteger(n, 2, offset, 'unpack_one', true)
    s = checkString(n, s, 'unpack_one')
    return settle(rawpcall(unpackFull, s, 1, offset))
  end
  cmsgpack.unpack_limit = function(...)
    local n = select('#', ...)
    local s, limit, offset = ...
    limit = cInteger(n, 2, limit, 'unpack_limit')
    offset = cInteger(n, 3, offset, 'unpack_limit', true)
    s = checkString(n, s, 'unpack_limit')
    return settle(rawpcall(unpackFull, s, limit, offset))
  end
`
