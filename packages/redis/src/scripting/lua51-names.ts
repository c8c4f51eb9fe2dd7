/**
 * The global names of Redis 7.0's Lua 5.1 environment, on an engine that may be Lua 5.3:
 * 5.1 functions that are missing are added (only when absent, so an engine in Lua 5.1 mode
 * keeps its own), and 5.3-only names that Redis scripts cannot see are removed. Part of the
 * prelude chunk; runs after the libraries captured what they use.
 */
export const LUA51_NAMES = `
do
  local floor, abs, type, error, pairs, ipairs, load, tonumber = math.floor, math.abs, type, error, pairs, ipairs, load, tonumber
  local function add(t, name, f) if rawget(t, name) == nil then t[name] = f end end
  add(BASE, 'unpack', table.unpack)
  if load then
    add(BASE, 'loadstring', function(s, chunkname) return load(s, chunkname) end)
  end
  add(BASE, 'gcinfo', function() return 0 end)
  add(math, 'pow', function(x, y) return x ^ y end)
  add(math, 'mod', math.fmod)
  add(math, 'ldexp', function(m, e) return m * 2 ^ e end)
  add(math, 'frexp', function(x)
    if x == 0 or x ~= x or abs(x) == math.huge then return x, 0 end
    local e = floor(math.log(abs(x)) / math.log(2)) + 1
    local m = x / 2 ^ e
    if abs(m) >= 1 then m, e = m / 2, e + 1 elseif abs(m) < 0.5 then m, e = m * 2, e - 1 end
    return m, e
  end)
  -- 5.1's math.log takes no base, and ln(x) / ln(10) is off by an ulp (log10(1000) < 3)
  add(math, 'log10', function(...)
    local x = ...
    local n = tonumber(x)
    if n == nil then
      local got = select('#', ...) == 0 and 'no value' or type(x)
      raise("bad argument #1 to 'log10' (number expected, got " .. got .. ")", 2)
    end
    return host().log10(n)
  end)
  add(table, 'getn', function(t) return #t end)
  add(table, 'setn', function() raise("'setn' is obsolete", 2) end)
  add(table, 'maxn', function(t)
    local max = 0
    for k in pairs(t) do if type(k) == 'number' and k > max then max = k end end
    return max
  end)
  add(table, 'foreach', function(t, f)
    for k, v in pairs(t) do
      local r = f(k, v)
      if r ~= nil then return r end
    end
  end)
  add(table, 'foreachi', function(t, f)
    for i, v in ipairs(t) do
      local r = f(i, v)
      if r ~= nil then return r end
    end
  end)
  add(string, 'gfind', string.gmatch)
  BASE.rawlen = nil
  -- Lua 5.1 has newproxy; Redis 7.0's scripts do not see it
  BASE.newproxy = nil
  table.unpack, table.pack, table.move = nil, nil, nil
  math.type, math.tointeger, math.ult = nil, nil, nil
  string.pack, string.unpack, string.packsize = nil, nil, nil
  coroutine.isyieldable = nil
  BASE._VERSION = 'Lua 5.1'
end
`
