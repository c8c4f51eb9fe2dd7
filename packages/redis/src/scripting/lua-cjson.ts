// Over 250 lines: one Lua library (Redis's cjson) held as a string; its encoder and decoder share the chunk's locals.
/**
 * Redis's `cjson` (lua-cjson 2.1.0 as bundled with Redis 7.0) in Lua, part of the prelude
 * chunk (numbers print with `tostring`, which is `%.14g` under the engine's Lua 5.1 numbers;
 * fengari's `string.format` gets `%.14g` wrong). Same output and error texts: numbers `%.14g`, `/`
 * escaped, control characters as `\u00XX`, sparse arrays with `null` holes (or "excessively
 * sparse array" past ratio 2 and index 10), `cjson.null` for JSON null. Object key order
 * follows the engine's table iteration, which differs from Lua 5.1's (see the README).
 */
export const LUA_CJSON = `
do
  local type, pairs, next, tostring, tonumber, error, rawget = type, pairs, next, tostring, tonumber, error, rawget
  local floor, huge = math.floor, math.huge
  local sbyte, schar, sfind, ssub, sgsub, sformat = string.byte, string.char, string.find, string.sub, string.gsub, string.format
  local tconcat = table.concat
  local null = JSON_NULL

  local escapes = { ['"'] = '\\\\"', ['\\\\'] = '\\\\\\\\', ['/'] = '\\\\/', ['\\b'] = '\\\\b', ['\\f'] = '\\\\f', ['\\n'] = '\\\\n', ['\\r'] = '\\\\r', ['\\t'] = '\\\\t' }
  local function escape(c)
    return escapes[c] or sformat('\\\\u%04x', sbyte(c))
  end
  -- a string lua-cjson writes as it is: no control character (0-31, 127), '"', '/' or '\\'.
  -- One anchored match of the whole string: fengari tries an unanchored pattern at each
  -- position in turn, which costs a match call per byte
  local CLEAN = '^[]-~ !#-.0-[\\128-\\255]*$'

  -- a number as fpconv_g_fmt writes it at the precision set (encode_number_precision); NaN
  -- and infinities as encode_invalid_numbers says: refused (0), written (1: NaN as 'nan'), null (2)
  local function num(n, cfg)
    if n ~= n or n == huge or n == -huge then
      local bad = cfg.encodeInvalid
      if bad == 0 then error('Cannot serialise number: must not be NaN or Inf', 0) end
      if bad == 2 then return 'null' end
      if n ~= n then return 'nan' end
    end
    -- Lua 5.1 numbers: tostring is %.14g (printf's rounding), without a host call per number
    if cfg.precision == 14 then return tostring(n) end
    return sformat('%.' .. cfg.precision .. 'g', n)
  end

  local encode
  local function arrayLength(t, cfg)
    local max, items = 0, 0
    for k in pairs(t) do
      if type(k) == 'number' and k >= 1 and floor(k) == k then
        -- max is a C int: a key from 2^31 on stores INT_MIN (x86), which makes an object
        if k > max then max = k >= 2147483648 and -2147483648 or k end
        items = items + 1
      else
        return -1
      end
    end
    -- encode_sparse_array: ratio 0 allows any; items * ratio is a C int product
    local ratio = cfg.ratio
    if ratio > 0 then
      local limit = (items * ratio) % 4294967296
      if limit >= 2147483648 then limit = limit - 4294967296 end
      if max > limit and max > cfg.safe then
        if cfg.convert == 0 then error('Cannot serialise table: excessively sparse array', 0) end
        return -1
      end
    end
    return max
  end

  -- appends v's JSON to out[n + 1 ...] and returns the new count (a # per part would be a
  -- search in fengari's tables). used: the Lua stack slots lua-cjson would hold with v on top
  -- (1 for the argument, 1 more per array and 2 per object around it), which lua_checkstack
  -- bounds at LUAI_MAXCSTACK (8000) whatever encode_max_depth allows
  encode = function(v, out, n, depth, cfg, used)
    local t = type(v)
    if t == 'string' then
      -- most strings need no escape: finding none is cheaper than a gsub that copies
      if not sfind(v, CLEAN) then v = sgsub(v, '[%c"\\\\/]', escape) end
      out[n + 1] = '"' .. v .. '"'
      return n + 1
    elseif t == 'number' then
      out[n + 1] = num(v, cfg)
      return n + 1
    elseif t == 'boolean' then
      out[n + 1] = v and 'true' or 'false'
      return n + 1
    elseif t == 'nil' or v == null then
      out[n + 1] = 'null'
      return n + 1
    elseif t == 'table' then
      -- lua-cjson counts the outermost table as depth 1 and allows encode_max_depth (1000)
      if depth >= cfg.encodeDepth or used + 3 > 8000 then error('Cannot serialise, excessive nesting (' .. (depth + 1) .. ')', 0) end
      local len = arrayLength(v, cfg)
      -- each element and entry goes out as one part where it can ('[1', ',"k":2'): a part is a
      -- table store, a concatenation of a few strings costs less
      local p14 = cfg.precision == 14
      if len > 0 then
        local sep = '['
        for i = 1, len do
          local x = v[i]
          local tx = type(x)
          if tx == 'number' and p14 and x == x and x ~= huge and x ~= -huge then
            n = n + 1
            out[n] = sep .. tostring(x)
          elseif tx == 'string' and sfind(x, CLEAN) then
            n = n + 1
            out[n] = sep .. '"' .. x .. '"'
          else
            n = n + 1
            out[n] = sep
            n = encode(x, out, n, depth + 1, cfg, used + 1)
          end
          sep = ','
        end
        out[n + 1] = ']'
        return n + 1
      end
      -- string keys (most objects' only kind) in one pass of next, in the order tableKeys
      -- gives them (pairs is next in Lua 5.1); other keys: tableKeys
      local keys, nk = {}, 0
      for k in next, v do
        if type(k) ~= 'string' then
          keys = nil
          break
        end
        nk = nk + 1
        keys[nk] = k
      end
      if not keys then
        keys = tableKeys(v)
        nk = #keys
      end
      local sep = '{'
      for i = 1, nk do
        local k = keys[i]
        local x = rawget(v, k)
        local kt = type(k)
        if kt ~= 'string' and kt ~= 'number' then
          error('Cannot serialise ' .. kt .. ': table key must be a number or string', 0)
        end
        if kt == 'string' and sfind(k, CLEAN) then
          sep = sep .. '"' .. k .. '":'
        else
          n = n + 1
          out[n] = sep
          n = encode(kt == 'number' and num(k, cfg) or k, out, n, depth + 1, cfg, used + 2)
          sep = ':'
        end
        local tx = type(x)
        if tx == 'number' then
          n = n + 1
          out[n] = sep .. ((p14 and x == x and x ~= huge and x ~= -huge) and tostring(x) or num(x, cfg))
        elseif tx == 'string' and sfind(x, CLEAN) then
          n = n + 1
          out[n] = sep .. '"' .. x .. '"'
        elseif tx == 'boolean' then
          n = n + 1
          out[n] = sep .. (x and 'true' or 'false')
        else
          n = n + 1
          out[n] = sep
          n = encode(x, out, n, depth + 1, cfg, used + 2)
        end
        sep = ','
      end
      if sep == '{' then
        n = n + 1
        out[n] = '{'
      end
      out[n + 1] = '}'
      return n + 1
    end
    error('Cannot serialise ' .. t .. ': type not supported', 0)
  end

  -- a number token as lua-cjson reads it: strtod's longest prefix
  local function number(s, j)
    local n, e = strtod(s, j)
    if not n then return 'T_ERROR', 'invalid number', j end
    return 'T_NUMBER', n, j, e
  end
  -- json_is_invalid_number: what strtod reads although JSON has no such number (a leading
  -- '+', hexadecimal, leading zeros, inf, nan)
  local function invalidNumber(s, j)
    local c = sbyte(s, j)
    if c == 43 then return true end
    if c == 45 then
      j = j + 1
      c = sbyte(s, j)
    end
    if c == 48 then
      local c2 = sbyte(s, j + 1) or 0
      return c2 == 120 or c2 == 88 or (c2 >= 48 and c2 <= 57)
    end
    if not c or c <= 57 then return false end
    local w = string.lower(ssub(s, j, j + 2))
    return w == 'inf' or w == 'nan'
  end
  -- decode_invalid_numbers of the decode running (a decode calls nothing that decodes)
  local lenient = true

  -- tokens as lua-cjson names them in its error messages; the C string ends at a NUL
  local STRING_RUN = '^[^"\\\\%z]*'
  local UNESCAPE = { ['"'] = '"', ['\\\\'] = '\\\\', ['/'] = '/', b = '\\b', f = '\\f', n = '\\n', r = '\\r', t = '\\t' }
  local function token(s, i)
    local j = sfind(s, '[^ \\t\\n\\r]', i)
    if not j or sbyte(s, j) == 0 then return 'T_END', nil, j or #s + 1 end
    local c = ssub(s, j, j)
    if c == '{' then return 'T_OBJ_BEGIN', nil, j, j + 1 end
    if c == '}' then return 'T_OBJ_END', nil, j, j + 1 end
    if c == '[' then return 'T_ARR_BEGIN', nil, j, j + 1 end
    if c == ']' then return 'T_ARR_END', nil, j, j + 1 end
    if c == ':' then return 'T_COLON', nil, j, j + 1 end
    if c == ',' then return 'T_COMMA', nil, j, j + 1 end
    if c == '"' then
      -- the run of plain bytes up to the next '"', '\\' or NUL, in one anchored match (an
      -- unanchored search costs fengari a match call per byte); a string without escapes is
      -- that run
      local k = j + 1
      local _, e = sfind(s, STRING_RUN, k)
      if e and sbyte(s, e + 1) == 34 then return 'T_STRING', ssub(s, k, e), j, e + 2 end
      local parts = {}
      while true do
        if not e then return 'T_ERROR', 'unexpected end of string', #s + 1 end
        local q = e + 1
        local b = sbyte(s, q)
        if not b or b == 0 then return 'T_ERROR', 'unexpected end of string', q end
        parts[#parts + 1] = ssub(s, k, e)
        if b == 34 then return 'T_STRING', tconcat(parts), j, q + 1 end
        local esc = ssub(s, q + 1, q + 1)
        local simple = UNESCAPE[esc]
        if simple then
          parts[#parts + 1] = simple
          k = q + 2
        elseif esc == 'u' then
          local hex = ssub(s, q + 2, q + 5)
          local cp = sfind(hex, '^%x%x%x%x$') and tonumber(hex, 16)
          if not cp then return 'T_ERROR', 'invalid unicode escape code', q end
          k = q + 6
          if cp >= 0xD800 and cp <= 0xDBFF then
            local lo = ssub(s, k, k + 1) == '\\\\u' and tonumber(ssub(s, k + 2, k + 5), 16)
            if not lo or lo < 0xDC00 or lo > 0xDFFF then return 'T_ERROR', 'invalid unicode escape code', q end
            cp = 0x10000 + (cp - 0xD800) * 0x400 + (lo - 0xDC00)
            k = k + 6
          elseif cp >= 0xDC00 and cp <= 0xDFFF then
            return 'T_ERROR', 'invalid unicode escape code', q
          end
          if cp < 0x80 then parts[#parts + 1] = schar(cp)
          elseif cp < 0x800 then parts[#parts + 1] = schar(0xC0 + floor(cp / 64), 0x80 + cp % 64)
          elseif cp < 0x10000 then parts[#parts + 1] = schar(0xE0 + floor(cp / 4096), 0x80 + floor(cp / 64) % 64, 0x80 + cp % 64)
          else parts[#parts + 1] = schar(0xF0 + floor(cp / 262144), 0x80 + floor(cp / 4096) % 64, 0x80 + floor(cp / 64) % 64, 0x80 + cp % 64) end
        else
          return 'T_ERROR', 'invalid escape code', q
        end
        _, e = sfind(s, STRING_RUN, k)
      end
    end
    if sfind(c, '[-0-9]') then
      if not lenient and invalidNumber(s, j) then return 'T_ERROR', 'invalid number', j end
      return number(s, j)
    end
    if ssub(s, j, j + 3) == 'true' then return 'T_BOOLEAN', true, j, j + 4 end
    if ssub(s, j, j + 4) == 'false' then return 'T_BOOLEAN', false, j, j + 5 end
    if ssub(s, j, j + 3) == 'null' then return 'T_NULL', null, j, j + 4 end
    if lenient and invalidNumber(s, j) then return number(s, j) end
    return 'T_ERROR', 'invalid token', j
  end

  local function fail(expected, tt, tv, at)
    error('Expected ' .. expected .. ' but found ' .. (tt == 'T_ERROR' and tv or tt) .. ' at character ' .. at, 0)
  end

  -- Objects and arrays call each other directly, one Lua frame per level. depth counts the
  -- open ones; used is the Lua stack slots lua-cjson holds (1 for the text, 1 per open array,
  -- 2 per open object: its table and key), which lua_checkstack bounds at LUAI_MAXCSTACK (8000)
  -- whatever decode_max_depth allows (an object needs 3 free, an array 2)
  local object, array
  local function descend(cfg, depth, used, need, at)
    if depth > cfg.decodeDepth or used + need > 8000 then
      error('Found too many nested data structures (' .. depth .. ') at character ' .. at, 0)
    end
  end
  -- the value whose first token is tt: a scalar, or a nested object or array
  local function nested(s, cfg, depth, used, tt, tv, at, nx)
    if tt == 'T_STRING' or tt == 'T_NUMBER' or tt == 'T_BOOLEAN' or tt == 'T_NULL' then return tv, nx end
    if tt == 'T_OBJ_BEGIN' then
      descend(cfg, depth + 1, used, 3, at)
      return object(s, nx, cfg, depth + 1, used + 2)
    end
    if tt == 'T_ARR_BEGIN' then
      descend(cfg, depth + 1, used, 2, at)
      return array(s, nx, cfg, depth + 1, used + 1)
    end
    fail('value', tt, tv, at)
  end
  object = function(s, i, cfg, depth, used)
    local t = {}
    local tt, tv, at, nx = token(s, i)
    if tt == 'T_OBJ_END' then return t, nx end
    while true do
      if tt ~= 'T_STRING' then fail('object key string', tt, tv, at) end
      local key = tv
      tt, tv, at, nx = token(s, nx)
      if tt ~= 'T_COLON' then fail('colon', tt, tv, at) end
      tt, tv, at, nx = token(s, nx)
      if tt == 'T_OBJ_BEGIN' then
        descend(cfg, depth + 1, used, 3, at)
        t[key], nx = object(s, nx, cfg, depth + 1, used + 2)
      elseif tt == 'T_ARR_BEGIN' then
        descend(cfg, depth + 1, used, 2, at)
        t[key], nx = array(s, nx, cfg, depth + 1, used + 1)
      else
        t[key], nx = nested(s, cfg, depth, used, tt, tv, at, nx)
      end
      tt, tv, at, nx = token(s, nx)
      if tt == 'T_OBJ_END' then return t, nx end
      if tt ~= 'T_COMMA' then fail('comma or object end', tt, tv, at) end
      tt, tv, at, nx = token(s, nx)
    end
  end
  array = function(s, i, cfg, depth, used)
    local t, n = {}, 0
    local tt, tv, at, nx = token(s, i)
    if tt == 'T_ARR_END' then return t, nx end
    while true do
      n = n + 1
      if tt == 'T_ARR_BEGIN' then
        descend(cfg, depth + 1, used, 2, at)
        t[n], nx = array(s, nx, cfg, depth + 1, used + 1)
      elseif tt == 'T_OBJ_BEGIN' then
        descend(cfg, depth + 1, used, 3, at)
        t[n], nx = object(s, nx, cfg, depth + 1, used + 2)
      else
        t[n], nx = nested(s, cfg, depth, used, tt, tv, at, nx)
      end
      tt, tv, at, nx = token(s, nx)
      if tt == 'T_ARR_END' then return t, nx end
      if tt ~= 'T_COMMA' then fail('comma or array end', tt, tv, at) end
      tt, tv, at, nx = token(s, nx)
    end
  end

  local function decode(s, cfg)
    lenient = cfg.decodeInvalid == 1
    local tt, tv, at, nx = token(s, 1)
    local v
    v, nx = nested(s, cfg, 0, 1, tt, tv, at, nx)
    tt, tv, at = token(s, nx)
    if tt ~= 'T_END' then fail('the end', tt, tv, at) end
    return v
  end

  -- a module table as lua-cjson's luaopen/new makes it: its own functions each time (new()
  -- makes a writable table: only the one the prelude installs is frozen)
  local function module(settings)
    local cjson = { _NAME = 'cjson', _VERSION = '2.1.0', null = null }
    cjson.encode = function(...)
      if select('#', ...) ~= 1 then raise('bad argument #1 to \\'encode\\' (expected 1 argument)', 2) end
      local out = {}
      local ok, e = rawpcall(encode, (...), out, 0, 0, settings(), 1)
      if not ok then raise(e, 2) end
      return tconcat(out)
    end
    cjson.decode = function(...)
      if select('#', ...) ~= 1 then raise('bad argument #1 to \\'decode\\' (expected 1 argument)', 2) end
      local s = ...
      if type(s) == 'number' then s = tostring(s) end
      if type(s) ~= 'string' then raise("bad argument #1 to 'decode' (string expected, got " .. type(s) .. ')', 2) end
      if #s >= 2 and (sbyte(s, 1) == 0 or sbyte(s, 2) == 0) then raise('JSON parser does not support UTF-16 or UTF-32', 2) end
      local ok, v = rawpcall(decode, s, settings())
      if not ok then raise(v, 2) end
      return v
    end
    -- a new module has settings of its own, made when first read
    cjson.new = function()
      local own
      return module(function()
        if not own then own = cjsonDefaults() end
        return own
      end)
    end
    cjsonConfigure(cjson, settings)
    return cjson
  end
  BASE.cjson = module(cjsonSettings)
end
`
