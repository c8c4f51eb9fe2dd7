/**
 * `string.dump`, part of the prelude chunk (after LUA_ERROR, before GUARD; uses CORE's
 * `BASE`, `raise`, `rawpcall`). Redis's Lua 5.1 dumps a function to Lua 5.1 bytecode, but
 * Redis 7.0 parses every chunk as text (a chunk starting with ESC is a syntax error: see the
 * prelude's loadstring and the script loaders), so a dump can only be kept or compared, never
 * loaded. Here a dump is the 12-byte header of Redis's (x86-64 Lua 5.1: `\27LuaQ`, version,
 * format, sizes) without the function's code, which the engine (Lua 5.3 bytecode) cannot
 * write as 5.1 would: its length and later bytes differ from Redis's. What else a script can
 * see is Redis's: the argument check, `unable to dump given function` for a C function (a
 * library function: the engine's own, which `coroutine.create` refuses as 5.1 does, or one
 * written in the prelude), and loading a dump fails as there.
 */
export const LUA_DUMP = `
do
  local type, select, pairs, cocreate = type, select, pairs, coroutine.create
  -- the library functions written in the prelude: C functions in Redis
  local native = {}
  local function collect(t)
    for _, v in pairs(t) do if type(v) == 'function' then native[v] = true end end
  end
  collect(BASE)
  for _, name in ipairs({ 'string', 'table', 'math', 'coroutine', 'redis', 'cjson', 'cmsgpack', 'bit', 'struct' }) do
    if type(BASE[name]) == 'table' then collect(BASE[name]) end
  end
  local HEADER = '\\27LuaQ\\0\\1\\4\\8\\4\\8\\0'
  string.dump = function(...)
    local f = ...
    if type(f) ~= 'function' then
      raise("bad argument #1 to 'dump' (function expected, got " .. (select('#', ...) == 0 and 'no value' or type(f)) .. ')', 2)
    end
    if native[f] or not rawpcall(cocreate, f) then raise('unable to dump given function', 2) end
    return HEADER
  end
  native[string.dump] = true
end
`
