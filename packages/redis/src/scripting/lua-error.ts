/**
 * Lua 5.1's `error(message [, level])` with positions as Redis's stack gives them. Part of
 * the prelude chunk (uses its `BASE`).
 *
 * A level names a frame: 1 the function calling `error`, 2 its caller, and so on; the message
 * gets that frame's `source:line: ` (nothing for a C function, a lost tail call or past the
 * bottom). Scripts here run under frames Redis does not have — the prelude's `pcall` is Lua
 * around the engine's, and a script's body is called by the prelude's reply converter — so
 * the engine's own `error` would name prelude lines (`init.lua:208:`) or the script's first
 * line where Redis names nothing. This one reads the engine's stack (`debug.traceback`,
 * taken here and removed from the globals, as Redis has no `debug`) and counts frames as
 * Redis's would be:
 *
 * - a prelude function stands for the C function Redis has in its place: with a C function
 *   it called (the engine's `pcall`), it is one C frame;
 * - the reply converter (`__redis_reply`, `__redis_library`) is the bottom of the stack;
 * - a frame lost to a tail call is a level (Lua 5.1 counts it, with no position); the engine
 *   marks a frame reached by tail calls, not how many, so one level is counted.
 *
 * The level is read as `luaL_optint` reads it (numbers and numeric strings, truncated), and
 * numbers are positioned as strings are (`lua_isstring`).
 */
export const LUA_ERROR = `
do
  local traceback, rawerror, tonumber, type, sfind, ssub = debug.traceback, error, tonumber, type, string.find, string.sub
  BASE.debug = nil
  -- the traceback shows this many frames before eliding the middle (LEVELS1)
  local PAGE = 10
  local PRELUDE = 'init.lua'
  local BOTTOM = { ["function '__redis_reply'"] = true, ["function '__redis_library'"] = true }

  -- The engine's frames from level 'from' of the running thread: { src, line, name, tail }.
  -- Lines are '\\t<src>:<line>: in <name>', '\\t[C]: in <name>', '\\t(...tail calls..)' or '\\t...'.
  local function page(from)
    local out, n = {}, 0
    local text = traceback('', from)
    local at = 1
    while true do
      local s, e = sfind(text, '\\n\\t[^\\n]*', at)
      if not s then return out, false end
      local line = ssub(text, s + 2, e)
      at = e + 1
      if line == '...' then return out, true end
      if ssub(line, 1, 1) == '(' then
        if n > 0 then out[n].tail = true end
      else
        n = n + 1
        out[n] = tracebackFrame(line)
      end
    end
  end

  -- Position of Redis's frame at 'level' above this function's caller's caller
  -- (error itself is level 0): 'src:line: ' or ''.
  local function where(level)
    local want, frames, got, from, ki = level, {}, 0, 3, 0
    local list, more = page(from)
    local prevC = false
    -- the first engine frame is error itself: a tail call to it lost its caller's frame
    ki = 1
    if list[1] and list[1].tail then
      got = got + 1
      frames[got] = ''
    end
    while got < want do
      ki = ki + 1
      local f = list[ki]
      if not f then
        if not more then break end
        from = from + PAGE
        list, more = page(from)
        ki = 0
      else
        if f.src == PRELUDE then
          if BOTTOM[f.name] then break end
          -- a C function the prelude function called is the C frame Redis has
          if not prevC then
            got = got + 1
            frames[got] = ''
          end
          prevC = false
        elseif f.src == '[C]' then
          got = got + 1
          frames[got] = ''
          prevC = not f.tail
        else
          got = got + 1
          frames[got] = f.line and (f.src .. ':' .. f.line .. ': ') or ''
          prevC = false
        end
        if f.tail and f.src ~= '[C]' then
          got = got + 1
          frames[got] = ''
          prevC = false
        end
      end
    end
    return frames[want] or ''
  end

  -- luaL_optint: nil or absent is 1; numbers and numeric strings truncated to a C int
  local function toint(v)
    local x = tonumber(v)
    if x ~= x or x >= 9223372036854775808 or x < -9223372036854775808 then return 0 end
    x = x - x % 1 + ((x < 0 and x % 1 ~= 0) and 1 or 0)
    x = x % 4294967296
    if x >= 2147483648 then x = x - 4294967296 end
    return x
  end

  BASE.error = function(...)
    local msg, level = ...
    if level == nil then level = 1
    else
      local t = type(level)
      if t ~= 'number' and (t ~= 'string' or tonumber(level) == nil) then
        local caller = where(1)
        rawerror(caller .. "bad argument #2 to '" .. (caller == '' and '?' or 'error') .. "' (number expected, got " .. t .. ')', 0)
      end
      level = toint(level)
    end
    local t = type(msg)
    if t ~= 'string' and t ~= 'number' or level <= 0 then rawerror(msg, 0) end
    -- level 1 is the caller, whose position the engine's error gives (and much faster)
    if level == 1 then rawerror(msg, 2) end
    rawerror(where(level) .. msg, 0)
  end
end
`
