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
local getmetatable, next = getmetatable, next
local STACK_ERROR = 'ERR reached lua stack limit'
-- an array's header for the small lengths most replies have, made once (a '..' makes a new string)
local HEADS = {}
for c = 0, 63 do HEADS[c] = 'a' .. c .. ';' end
-- a map or set frame's cursor before its first key (next(t, nil)); no script can hold it
local START = {}
-- Appends v's reply to out[n + 1 ...]; returns the new count. A loop with a stack of its own
-- (the tables being written, one frame each in the ft/fi/fk/fs lists, and fm/fc/fv for maps
-- and sets), not a call per level: 7,995 levels of calls cost seconds here. An array's
-- length is counted before its elements are written, so its header needs no place kept; a
-- table without a metatable is read by indexing, not by a rawget call each (a call costs
-- ~1 µs in the engine: a cyclic table's 7,995 levels took 0.15-1.7 s, most of it calls).
-- Entries are overwritten, never cleared (a cleared entry is a deletion in the engine).
local function encode(v, out, n, s)
  local ft, fi, fk, fs, fm, fc, fv = {}, {}, {}, {}, {}, {}, {}
  local d = 0
  local t = type(v)
  while true do
    -- v (of type t) at s slots: write it, or open its table as frame d
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
      local raw = getmetatable(v) == nil
      local e, ok, d2, big, vs, map, set
      if raw then e = v.err else e = rawget(v, 'err') end
      if e ~= nil and type(e) == 'string' then
        n = text(out, n, 'e', e)
      else
        if raw then ok = v.ok else ok = rawget(v, 'ok') end
        if ok ~= nil and type(ok) == 'string' then
          n = text(out, n, 'o', ok)
        else
          if raw then d2 = v.double else d2 = rawget(v, 'double') end
          if d2 ~= nil and type(d2) == 'number' then
            n = n + 1
            out[n] = 'd' .. sformat('%.17g', d2) .. ';'
          else
            if raw then big, vs = v.big_number, v.verbatim_string else big, vs = rawget(v, 'big_number'), rawget(v, 'verbatim_string') end
            if big ~= nil and type(big) == 'string' then
              n = text(out, n, 's', (big:gsub('[\\r\\n]', ' ')))
            elseif vs ~= nil and type(vs) == 'table' and type(rawget(vs, 'format')) == 'string' and type(rawget(vs, 'string')) == 'string' then
              n = text(out, n, 's', rawget(vs, 'string'))
            else
              -- a map's keys and values, a set's members, or the array part up to the first nil
              if raw then map, set = v.map, v.set else map, set = rawget(v, 'map'), rawget(v, 'set') end
              if map ~= nil and type(map) == 'table' then
                d = d + 1
                n = n + 1
                ft[d], fk[d], fi[d], fv[d], fs[d], fm[d], fc[d] = map, 'm', START, START, s, n, 0
              elseif set ~= nil and type(set) == 'table' then
                d = d + 1
                n = n + 1
                ft[d], fk[d], fi[d], fs[d], fm[d], fc[d] = set, 's', START, s, n, 0
              else
                local c = 0
                if raw then
                  while v[c + 1] ~= nil do c = c + 1 end
                else
                  while rawget(v, c + 1) ~= nil do c = c + 1 end
                end
                n = n + 1
                out[n] = HEADS[c] or 'a' .. c .. ';'
                if c > 0 then
                  d = d + 1
                  ft[d], fk[d], fi[d], fs[d] = v, raw and 'r' or 'a', 0, s
                end
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
      if kind == 'r' or kind == 'a' then
        local i, room, raw = fi[d], fs[d] + 5 <= STACK, kind == 'r'
        while true do
          local x
          if raw then x = tbl[i + 1] else x = rawget(tbl, i + 1) end
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
            fi[d], v, t, s, more = i, x, tx, fs[d] + 1, true
            break
          end
        end
        if more then break end
      elseif kind == 'm' then
        local x = fv[d]
        if x ~= START then
          fv[d], v, t, s, more = START, x, type(x), fs[d] + 3, true
          break
        end
        local k = fi[d]
        if k == START then k = nil end
        k, x = next(tbl, k)
        if k ~= nil then
          fi[d], fv[d], fc[d], v, t, s, more = k, x, fc[d] + 2, k, type(k), fs[d] + 4, true
          break
        end
        out[fm[d]] = HEADS[fc[d]] or 'a' .. fc[d] .. ';'
      else
        local k = fi[d]
        if k == START then k = nil end
        k = next(tbl, k)
        if k ~= nil then
          fi[d], fc[d], v, t, s, more = k, fc[d] + 1, k, type(k), fs[d] + 3, true
          break
        end
        out[fm[d]] = HEADS[fc[d]] or 'a' .. fc[d] .. ';'
      end
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
