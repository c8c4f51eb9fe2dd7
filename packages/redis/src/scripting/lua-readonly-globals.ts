import { SOURCE_GLOBAL } from './chunk-bytes.js'

/**
 * `rawset` and `setmetatable` as Redis 7.0's patched Lua has them on a script's globals:
 * Redis marks its global table read-only in C (`lua_enablereadonlytable`), and its
 * `lua_rawset`/`lua_setmetatable` check the mark, so `rawset(_G, k, v)` and
 * `setmetatable(_G, mt)` raise "Attempt to modify a readonly table" (from C: no position),
 * where a plain table would take the write. Here a run's globals are an ordinary copy of the
 * base's entries (the engine freezes the libraries, not that copy), so the two base functions
 * refuse a run's globals: a table whose `_G` is itself and whose metatable is the globals'
 * (GUARD in prelude.ts sets it; the base itself stays writable for the host). Any other
 * table goes to the engine's own function. Part of the prelude chunk, ahead of GUARD. The
 * loader of a non-UTF-8 script (chunk-bytes.ts) may still clear its source global.
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
    local t, k, v = ...
    if runGlobals(t) and not (k == '${SOURCE_GLOBAL}' and v == nil) then error('Attempt to modify a readonly table', 0) end
    return settle('rawset', rawpcall(rawset0, ...))
  end
  BASE.setmetatable = function(...)
    if runGlobals((...)) then error('Attempt to modify a readonly table', 0) end
    return settle('setmetatable', rawpcall(setmetatable0, ...))
  end
end
`
