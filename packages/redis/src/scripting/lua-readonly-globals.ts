/**
 * `rawset` and `setmetatable` as Redis 7.0's patched Lua has them. Redis marks its global
 * table read-only in C (`lua_enablereadonlytable`), and its `lua_rawset`/`lua_setmetatable`
 * check the mark after the base function checked its arguments, so `rawset(_G, k, v)` and
 * `setmetatable(_G, mt)` raise "Attempt to modify a readonly table" (from C: no position),
 * while `rawset(_G, 'k')` is `bad argument #3 to 'rawset' (value expected)`. A run's globals
 * carry the engine's read-only mark (the prelude's `__redis_env`/`__redis_fenv` set it), so
 * the engine's `rawset` refuses them itself; `setmetatable` would first find the protected
 * metatable (`__metatable`, which `getmetatable(_G)` answers) and raise `cannot change a
 * protected metatable`, so it refuses a run's globals once its argument #2 is good: a table
 * whose `_G` is itself and whose metatable is the globals' (the base itself stays writable
 * for the host). Errors are named and placed as Redis's C functions raise them. Part of the
 * prelude chunk, ahead of GUARD.
 */
export const LUA_READONLY_GLOBALS = `
do
  local rawset0, setmetatable0, getmetatable0, rawget0, rawequal0 = rawset, setmetatable, getmetatable, rawget, rawequal
  local function runGlobals(t)
    return type(t) == 'table' and not rawequal0(t, BASE) and rawequal0(rawget0(t, '_G'), t)
      and rawequal0(getmetatable0(t), getmetatable0(BASE))
  end
  -- the engine's function's failure as Redis's C function raises it: named as the script
  -- calls it, an argument error at the caller's line, anything else without a position
  local function settle(name, ok, ...)
    if ok then return ... end
    local msg = ...
    if type(msg) == 'string' then
      msg = string.gsub(string.gsub(msg, '^init%.lua:%d+: ', ''), "^(bad argument #%d+ to )'[^']*'", "%1'" .. name .. "'")
      if string.find(msg, '^bad argument') or string.find(msg, '^cannot change') then raise(msg, 2) end
    end
    error(msg, 0)
  end
  BASE.rawset = function(...)
    return settle('rawset', rawpcall(rawset0, ...))
  end
  BASE.setmetatable = function(...)
    local t, mt = ...
    local kind = type(mt)
    if runGlobals(t) and select('#', ...) >= 2 and (kind == 'nil' or kind == 'table') then
      error('Attempt to modify a readonly table', 0)
    end
    return settle('setmetatable', rawpcall(setmetatable0, ...))
  end
end
`
