/**
 * `__redis_reply`, part of the prelude chunk (after CORE, whose locals `resp`, `sformat`,
 * `tconcat` and `rawget` it uses): a script's return value as Redis's reply, with Redis's
 * own rules (first nil ends an array, `err`/`ok`/`double`/`map`/`set` tables, numbers
 * truncated on the host side), serialised as a flat list of parts that `decodeScriptReply`
 * (lua-values.ts) reads, so no value model sits in between: a string is a tag part and the
 * string itself as the next part (no length to print and no concatenation, which cost
 * ~1.5 µs per string in the engine), or, for a reply of many parts, one length-prefixed
 * text (a list crosses to the host as an array, counted per entry). FUNCTION's `fcall`
 * uses `encode` and `finish`.
 */
export const LUA_REPLY = `
-- a string: its tag ('s' bulk, 'e' error, 'o' status), then the string as a part of its own
-- (see decodeScriptReply); the encoder keeps its own count of 'out' (a # per part is a
-- search in fengari's tables)
local function text(out, n, tag, s)
  out[n + 1] = tag
  out[n + 2] = s
  return n + 2
end

-- an integer below 1e14 prints exactly as %.14g, which is what '..' makes of a number (no
-- call); string.format is slower
local function number(v)
  if v % 1 == 0 and v < 1e14 and v > -1e14 then return 'n' .. v .. ';' end
  return 'n' .. sformat('%.17g', v) .. ';'
end

-- Redis answers 'reached lua stack limit' in place of a table nested 7,995 deep (its Lua
-- stack is full: lua_checkstack fails); a cyclic table ends there too
local REPLY_DEPTH = 7995
-- appends v's reply to out[n + 1 ...]; returns the new count
local function encode(v, out, n, depth)
  local t = type(v)
  if t == 'string' then return text(out, n, 's', v) end
  if t == 'number' then
    out[n + 1] = number(v)
    return n + 1
  end
  if t == 'boolean' then
    -- under RESP3 a boolean is a RESP3 boolean, which a RESP2 caller receives as :1 / :0
    if resp == 3 then out[n + 1] = v and 'n1;' or 'n0;' else out[n + 1] = v and 'n1;' or 'z' end
    return n + 1
  end
  if t ~= 'table' or v == JSON_NULL then
    out[n + 1] = 'z'
    return n + 1
  end
  depth = depth + 1
  if depth > REPLY_DEPTH then return text(out, n, 'e', 'ERR reached lua stack limit') end
  -- Redis's order of checks (luaReplyToRedisReply); a RESP2 caller gets a double as its
  -- %.17g bulk string, a big number or verbatim string as a bulk, a map or set as an array
  -- each field is mostly absent: a nil needs no type() call (a call each in the engine)
  local e = rawget(v, 'err')
  if e ~= nil and type(e) == 'string' then return text(out, n, 'e', e) end
  local ok = rawget(v, 'ok')
  if ok ~= nil and type(ok) == 'string' then return text(out, n, 'o', ok) end
  local d = rawget(v, 'double')
  if d ~= nil and type(d) == 'number' then
    out[n + 1] = 'd' .. sformat('%.17g', d) .. ';'
    return n + 1
  end
  local big = rawget(v, 'big_number')
  if big ~= nil and type(big) == 'string' then return text(out, n, 's', (big:gsub('[\\r\\n]', ' '))) end
  local vs = rawget(v, 'verbatim_string')
  if vs ~= nil and type(vs) == 'table' and type(rawget(vs, 'format')) == 'string' and type(rawget(vs, 'string')) == 'string' then
    return text(out, n, 's', rawget(vs, 'string'))
  end
  -- a map's keys and values, a set's members, or the array part up to the first nil
  local mark, items = n + 1, 0
  out[mark] = ''
  n = mark
  local map, set = rawget(v, 'map'), rawget(v, 'set')
  if map ~= nil and type(map) == 'table' then
    for k, x in next, map do
      n = encode(x, out, encode(k, out, n, depth), depth)
      items = items + 2
    end
  elseif set ~= nil and type(set) == 'table' then
    for k in next, set do
      n = encode(k, out, n, depth)
      items = items + 1
    end
  else
    -- strings and numbers, most of what scripts return, without a call each
    while true do
      local x = rawget(v, items + 1)
      if x == nil then break end
      local tx = type(x)
      if tx == 'string' then
        out[n + 1] = 's'
        out[n + 2] = x
        n = n + 2
      elseif tx == 'number' and x % 1 == 0 and x < 1e14 and x > -1e14 then
        n = n + 1
        out[n] = 'n' .. x .. ';'
      else
        n = encode(x, out, n, depth)
      end
      items = items + 1
    end
  end
  out[mark] = 'a' .. items .. ';'
  return n
end

-- Replies of up to this many parts cross as the list itself; a longer one as one text, where
-- each string's tag carries its length ('s5:hello'), so that the host's per-entry count of a
-- list (8 bytes an entry against the script's memory limit) stays within a few KB of the text's
local PARTS = 1024
-- the reply encode() wrote to out[1..n], as the host receives it
local function finish(out, n)
  if n <= PARTS then return out end
  local i = 1
  while i <= n do
    local t = out[i]
    if t == 's' or t == 'e' or t == 'o' then
      out[i] = t .. #out[i + 1] .. ':'
      i = i + 2
    else
      i = i + 1
    end
  end
  return tconcat(out)
end

-- what a run's handler made of an error. At the call-depth limit the engine has no room to
-- call the handler (C Lua gives it room): the error was a stack overflow, whose position is
-- lost with the handler's frames; the host answers it without one
local function handled(v)
  if v == 'error in error handling' then return { err = 'ERR stack overflow', overflow = true } end
  return v
end
BASE.__redis_reply = function(f, ...)
  resp, runKind = 2, 1
  newRun()
  -- Redis calls scripts with its error handler (lua-err-handler.ts); 5.1's xpcall passes no arguments
  local ok, v = xpcall(f, onError)
  if not ok then error(handled(v), 0) end
  -- a bulk reply (BullMQ's addStandardJob answers the job id) needs no parts table and concat
  if type(v) == 'string' then return 's' .. #v .. ':' .. v end
  local out = {}
  return finish(out, encode(v, out, 0, 0))
end

`
