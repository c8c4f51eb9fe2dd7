/**
 * C's `strtod` over a Lua string, as Redis's lua-cjson reads numbers with it: part of the
 * prelude chunk (a top-level local, so the libraries after it see it). It takes the longest
 * prefix strtod takes: a sign, then `inf`/`infinity`/`nan`/`nan(...)` in any case, a hex
 * number (`0x1.8p3`), or a decimal one with an exponent only when digits follow it, so
 * `1e` reads as `1` and `0x` as `0`. The text is converted by the engine's `tonumber`,
 * which reads numbers with strtod's rules too (Lua 5.1's `lua_str2number` is strtod).
 */
export const LUA_STRTOD = `
local strtod
do
  local sfind, ssub, slower, tonumber = string.find, string.sub, string.lower, tonumber

  -- the index after the digits of a mantissa (class d) at j, with an optional point; nil if none
  local function mantissa(s, j, d)
    local _, e = sfind(s, '^' .. d .. '*', j)
    local digits = e >= j
    if ssub(s, e + 1, e + 1) == '.' then
      local _, f = sfind(s, '^' .. d .. '*', e + 2)
      if f and f >= e + 2 then return f + 1 end
      if digits then return e + 2 end
      return nil
    end
    if digits then return e + 1 end
    return nil
  end
  -- the index after an exponent marker (class m) and its digits at j, or j without digits
  local function exponent(s, j, m)
    local _, e = sfind(s, '^' .. m .. '[-+]?%d+', j)
    return e and e + 1 or j
  end

  -- the number read from s at i and the index after it, or nil when strtod reads nothing
  strtod = function(s, i)
    local j = i
    local sign = ssub(s, j, j)
    if sign == '+' or sign == '-' then j = j + 1 else sign = '' end
    local word = slower(ssub(s, j, j + 7))
    if word == 'infinity' then return tonumber(sign .. 'inf'), j + 8 end
    if ssub(word, 1, 3) == 'inf' then return tonumber(sign .. 'inf'), j + 3 end
    if ssub(word, 1, 3) == 'nan' then
      local _, e = sfind(s, '^%([%w_]*%)', j + 3)
      return tonumber(sign .. 'nan'), e and e + 1 or j + 3
    end
    local e
    if sfind(s, '^0[xX]', j) then
      e = mantissa(s, j + 2, '%x')
      if e then e = exponent(s, e, '[pP]') end
    end
    if not e then
      e = mantissa(s, j, '%d')
      if not e then return nil end
      e = exponent(s, e, '[eE]')
    end
    local n = tonumber(sign .. ssub(s, j, e - 1))
    if n == nil then return nil end
    return n, e
  end
end
`
