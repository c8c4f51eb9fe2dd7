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

-- Redis converts a reply with its Lua stack (luaReplyToRedisReply): each value it converts
-- first asks for 4 free slots of the 8,000 a C function may use (LUAI_MAXCSTACK) and, when
-- they are not there, answers 'ERR reached lua stack limit' in its place. The value returned
-- sits 2 slots up; an array's element is converted 1 slot above its table, a set's member 3,
-- a map's key 4 and its value 3. So an array nested 7,995 deep (a cyclic table, for one) ends
-- in that error, a chain of maps 2,665 deep as well, a scalar too when it is that deep.
local STACK, ROOT = 8000, 2
local STACK_ERROR = 'ERR reached lua stack limit'
-- Appends v's reply to out[n + 1 ...]; returns the new count. A loop with a stack of its own
-- (the tables being written, one frame each in the ft/fk/fi/fv/fm/fc/fs lists), not a call
-- per level: 7,995 levels of calls cost seconds here.
local function encode(v, out, n, s)
  local ft, fk, fi, fv, fm, fc, fs = {}, {}, {}, {}, {}, {}, {}
  local d = 0
  while true do
    -- v at s slots: write it, or open its table as frame d
    local t = type(v)
    if s + 4 > STACK then
      n = text(out, n, 'e', STACK_ERROR)
    elseif t == 'string' then
      n = text(out, n, 's', v)
    elseif t == 'number' then
      n = n + 1
      out[n] = number(v)
    elseif t == 'boolean' then
      -- under RESP3 a boolean is a RESP3 boolean, which a RESP2 caller receives as :1 / :0
      n = n + 1
      if resp == 3 then out[n] = v and 'n1;' or 'n0;' else out[n] = v and 'n1;' or 'z' end
    elseif t ~= 'table' or v == JSON_NULL then
      n = n + 1
      out[n] = 'z'
    else
      -- Redis's order of checks; a RESP2 caller gets a double as its %.17g bulk string, a
      -- big number or verbatim string as a bulk, a map or set as an array. Each field is
      -- mostly absent: a nil needs no type() call (a call each in the engine)
      local e, ok, d2, big, vs = rawget(v, 'err')
      if e ~= nil and type(e) == 'string' then
        n = text(out, n, 'e', e)
      else
        ok = rawget(v, 'ok')
        if ok ~= nil and type(ok) == 'string' then
          n = text(out, n, 'o', ok)
        else
          d2 = rawget(v, 'double')
          if d2 ~= nil and type(d2) == 'number' then
            n = n + 1
            out[n] = 'd' .. sformat('%.17g', d2) .. ';'
          else
            big = rawget(v, 'big_number')
            vs = rawget(v, 'verbatim_string')
            if big ~= nil and type(big) == 'string' then
              n = text(out, n, 's', (big:gsub('[\\r\\n]', ' ')))
            elseif vs ~= nil and type(vs) == 'table' and type(rawget(vs, 'format')) == 'string' and type(rawget(vs, 'string')) == 'string' then
              n = text(out, n, 's', rawget(vs, 'string'))
            else
              -- a map's keys and values, a set's members, or the array part up to the first nil
              local map, set = rawget(v, 'map'), rawget(v, 'set')
              d = d + 1
              n = n + 1
              out[n] = ''
              fm[d], fc[d], fs[d], fi[d], fv[d] = n, 0, s, nil, nil
              if map ~= nil and type(map) == 'table' then
                ft[d], fk[d] = map, 'm'
              elseif set ~= nil and type(set) == 'table' then
                ft[d], fk[d] = set, 's'
              else
                ft[d], fk[d], fi[d] = v, 'a', 0
              end
            end
          end
        end
      end
    end
    -- the next value to write: the open table's next element, or its parent's once it ends
    local more = false
    while d > 0 do
      local kind, tbl = fk[d], ft[d]
      if kind == 'a' then
        local i, room = fi[d], fs[d] + 5 <= STACK
        while true do
          local x = rawget(tbl, i + 1)
          if x == nil then break end
          i = i + 1
          -- strings and numbers, most of what scripts return, without a turn of the outer loop
          local tx = type(x)
          if room and tx == 'string' then
            out[n + 1] = 's'
            out[n + 2] = x
            n = n + 2
          elseif room and tx == 'number' and x % 1 == 0 and x < 1e14 and x > -1e14 then
            n = n + 1
            out[n] = 'n' .. x .. ';'
          else
            fi[d], v, s, more = i, x, fs[d] + 1, true
            break
          end
        end
        if more then break end
        fc[d] = i
      elseif kind == 'm' then
        local x = fv[d]
        if x ~= nil then
          fv[d], v, s, more = nil, x, fs[d] + 3, true
          break
        end
        local k
        k, x = next(tbl, fi[d])
        if k ~= nil then
          fi[d], fv[d], fc[d], v, s, more = k, x, fc[d] + 2, k, fs[d] + 4, true
          break
        end
      else
        local k = next(tbl, fi[d])
        if k ~= nil then
          fi[d], fc[d], v, s, more = k, fc[d] + 1, k, fs[d] + 3, true
          break
        end
      end
      out[fm[d]] = 'a' .. fc[d] .. ';'
      ft[d], fi[d] = nil, nil
      d = d - 1
    end
    if not more then return n end
  end
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
  return finish(out, encode(v, out, 0, ROOT))
end

`
