// Over 250 lines: one Lua chunk (Redis's script environment) held as a string, with why each piece is there.
/**
 * The Lua that builds Redis's script environment in every engine state, run once with the
 * base environment as `_ENV` before the engine freezes it (so scripts see it read-only).
 * Host calls go through the `__redis` bridge, looked up lazily because bridges are
 * installed after this runs.
 *
 * Why each piece:
 * - `redis.call`/`pcall` check arguments as Redis's C code does, then let the host run the
 *   command; errors travel as `{err=...}` tables (raised by `call`, returned by `pcall`).
 * - `pcall` is Redis's: an error table with a string `err` reaches the handler as that string.
 * - The base's metatable raises Redis's message for reads of undefined globals.
 * - `__redis_reply` (lua-reply.ts) turns a script's return value into Redis's reply.
 */
import { LUA_BIT } from './lua-bit.js'
import { LUA_CJSON } from './lua-cjson.js'
import { LUA_CJSON_CONFIG } from './lua-cjson-config.js'
import { LUA_CMSGPACK } from './lua-cmsgpack.js'
import { LUA_ERROR } from './lua-error.js'
import { LUA_ERR_HANDLER } from './lua-err-handler.js'
import { LUA_DUMP } from './lua-dump.js'
import { LUA_FUNCTIONS } from './lua-functions.js'
import { LUA_READONLY_GLOBALS } from './lua-readonly-globals.js'
import { LUA_REPLY } from './lua-reply.js'
import { LUA51_NAMES } from './lua51-names.js'
import { LUA_STRTOD } from './lua-strtod.js'
import { LUA_STRUCT } from './lua-struct.js'

const CORE = `
local BASE = _G
-- the engine's set-up API (init's argument): readonlyTable(t) makes t refuse every write, raw
-- or not, with Redis's message, as Redis's lua_enablereadonlytable does; a run's globals get it
local readonlyTable = (...).readonly
-- setenv(f, t): t is the environment of the script's body f (Lua 5.1 has no _ENV to assign)
local setenv = (...).setenv
local rawget, type, select, error, tostring, sformat, tconcat = rawget, type, select, error, tostring, string.format, table.concat
local rawpcall, xpcall = pcall, xpcall
-- the runs' error handler and the start of a run (lua-err-handler.ts)
local onError, newRun
-- a debug.traceback line ('<src>:<line>: in <name>', '[C]: in <name>') as a frame { src, line,
-- name }: Redis's error handler (lua-err-handler.ts) and error positions (lua-error.ts) read them
local function tracebackFrame(line)
  local src, ln, name = string.match(line, '^(.-):(%d+): in (.*)$')
  if not src then src, name = string.match(line, '^(.-): in (.*)$') end
  -- Lua 5.1 writes an unnamed C function as '[C]: ?'
  if not src then src, ln = string.match(line, '^(.-):(%d+): %?$') end
  if not src then src = string.match(line, '^(.-): %?$') end
  return { src = src, line = ln, name = name or (src and '?') }
end
-- KEYS and ARGV (FCALL's keys and args) are plain tables in Redis (luaCreateArray); an empty
-- one the engine made from a host array carries its array marker as metatable, which
-- getmetatable would show
local function plain(t)
  if type(t) == 'table' and next(t) == nil then setmetatable(t, nil) end
  return t
end
-- cjson.null: a lightuserdata (NULL) in Redis, a table here; the reply and cmsgpack
-- encoders treat it as Redis treats any userdata (a nil reply, msgpack nil)
local JSON_NULL = setmetatable({}, { __tostring = function() return 'userdata: (nil)' end, __metatable = false })

-- NaNs of both signs, and a NaN's sign as the engine prints it ('-nan': the sign bit is set;
-- x86-64's 0/0 has it). The prelude's struct and cmsgpack write and read it as C does.
local function nanNegative(x) return string.byte(tostring(x), 1) == 45 end
local NEG_NAN, POS_NAN = 0 / 0, -(0 / 0)
if nanNegative(POS_NAN) then NEG_NAN, POS_NAN = POS_NAN, NEG_NAN end

-- How Redis's C functions (luaL_error, luaL_argerror) raise: the position of the frame at
-- 'level' above the caller, as error() finds it, except that a prelude frame has none (Redis
-- has a C function there); without a position the caller is C, and luaL_argerror, which
-- names the function from the calling instruction, says '?'. A message the engine raised
-- inside the prelude's own code (cmsgpack's decoder storing a nil map key: 'table index is
-- nil') names a prelude line; Redis raises it in C, where the VM adds no position at all
local function raise(msg, level)
  local bare = type(msg) == 'string' and string.match(msg, '^init%.lua:%d+: (.*)')
  if bare then error(bare, 0) end
  local _, at = rawpcall(error, '', level + 2)
  if type(at) ~= 'string' or string.find(at, '^init%.lua:') then at = '' end
  if at == '' and type(msg) == 'string' then msg = string.gsub(msg, "^bad argument #(%d+) to '[^']*'", "bad argument #%1 to '?'") end
  error(at .. msg, 0)
end

local bridge
local function host()
  if not bridge then bridge = rawget(BASE, '__redis') end
  return bridge
end

-- The keys of a table in Lua 5.1's usual iteration order: integer keys 1, 2, ... (its array
-- part) first, then the rest in the engine's own order (Lua 5.1's hash order is not copied).
local function tableKeys(t)
  local keys, n = {}, 0
  while rawget(t, n + 1) ~= nil do
    n = n + 1
    keys[n] = n
  end
  local ints, rest, ni, nr = {}, {}, 0, 0
  for k in pairs(t) do
    if type(k) == 'number' and k >= 1 and k % 1 == 0 then
      if k > n then
        ni = ni + 1
        ints[ni] = k
      end
    else
      nr = nr + 1
      rest[nr] = k
    end
  end
  -- numeric loops, and no sort of nothing: cjson.encode of every object comes through here
  if ni > 1 then table.sort(ints) end
  for i = 1, ni do keys[n + i] = ints[i] end
  for i = 1, nr do keys[n + ni + i] = rest[i] end
  return keys
end


-- FUNCTION LOAD runs library code in "loading" mode: it may register functions, not call Redis
local loading, registry = false, nil

-- the protocol a script chose with redis.setresp (Redis resets it to 2 for every run)
local resp = 2
-- the kind of run: 1 EVAL, 2 FCALL (Redis 7.0 runs them in two Lua states, each with its own cjson settings)
local runKind = 1

-- RESP3 replies arrive tagged from the host (see resp3.ts): maps, sets and nulls are built here
local function fromResp3(v)
  if type(v) ~= 'table' then return v end
  if rawget(v, 'resp3null') then return nil end
  local m = rawget(v, 'resp3map')
  if m then
    local t = {}
    for i = 1, #m, 2 do t[fromResp3(m[i])] = fromResp3(m[i + 1]) end
    return { map = t }
  end
  local s = rawget(v, 'resp3set')
  if s then
    local t = {}
    for i = 1, #s do t[fromResp3(s[i])] = true end
    return { set = t }
  end
  if rawget(v, 'ok') ~= nil or rawget(v, 'err') ~= nil or rawget(v, 'double') ~= nil then return v end
  local out, n = {}, #v
  for i = 1, n do out[i] = fromResp3(v[i]) end
  return out
end

-- Redis's checks of redis.call's arguments (script_lua.c), for when the host found one that is
-- not a string or number, or could not convert one (a function, a coroutine)
local ARGS_ERR = 'ERR Lua redis lib command arguments must be strings or integers'
local function argsError(argv, n, failure)
  for i = 1, n do
    local t = type(argv[i])
    if t ~= 'string' and t ~= 'number' then return { err = ARGS_ERR } end
  end
  error(failure, 0)
end

-- redis.call and redis.pcall, written out in full: each Lua call costs ~1.7 µs in fengari and
-- these run for every command a script sends. The host checks the arguments' types and holes
-- (n is select('#', ...)); one it cannot convert at all (a function, a coroutine) fails the
-- protected call, and argsError gives Redis's message for it
local redis = {}
redis.call = function(...)
  local n = select('#', ...)
  if loading then error("Script attempted to access nonexistent global variable 'call'", 2) end
  local r
  if n == 0 then r = { err = 'ERR Please specify at least one argument for this redis lib call' }
  else
    local b = bridge or host()
    local ok
    if resp == 2 then ok, r = rawpcall(b.call, { ... }, n) else ok, r = rawpcall(b.call3, { ... }, n) end
    if not ok then r = argsError({ ... }, n, r) elseif resp == 3 then r = fromResp3(r) end
  end
  if type(r) == 'table' and rawget(r, 'err') ~= nil then error(r, 0) end
  return r
end
redis.pcall = function(...)
  local n = select('#', ...)
  if loading then error("Script attempted to access nonexistent global variable 'pcall'", 2) end
  if n == 0 then return { err = 'ERR Please specify at least one argument for this redis lib call' } end
  local b = bridge or host()
  local ok, r
  if resp == 2 then ok, r = rawpcall(b.call, { ... }, n) else ok, r = rawpcall(b.call3, { ... }, n) end
  if not ok then return argsError({ ... }, n, r) end
  if resp == 3 then return fromResp3(r) end
  return r
end
redis.error_reply = function(...)
  local msg = ...
  if select('#', ...) ~= 1 or type(msg) ~= 'string' then return { err = 'ERR wrong number or type of arguments' } end
  return { err = host().errorText(msg) }
end
redis.status_reply = function(...)
  local msg = ...
  if select('#', ...) ~= 1 or type(msg) ~= 'string' then return { err = 'ERR wrong number or type of arguments' } end
  return { ok = msg }
end
redis.acl_check_cmd = function(...)
  local n = select('#', ...)
  if n == 0 then error({ err = 'ERR Please specify at least one argument for this redis lib call' }, 0) end
  local r = host().aclCheck({ ... }, n)
  if type(r) == 'table' then error(r, 0) end
  return r
end
redis.sha1hex = function(...)
  if select('#', ...) ~= 1 then error({ err = 'ERR wrong number of arguments' }, 0) end
  local s = ...
  local t = type(s)
  -- a number hashes its Lua 5.1 text (%.14g): lua_tolstring
  if t == 'number' then s = tostring(s) elseif t ~= 'string' then s = '' end
  return host().sha1hex(s)
end
-- C's (int)lua_tonumber(v): 0 for what is not a number or numeric string, truncated toward
-- 0, INT_MIN for NaN and out-of-range values (x86's conversion)
local function cint(v)
  local t = type(v)
  local x = (t == 'number' or t == 'string') and tonumber(v) or 0
  if x ~= x or x >= 2147483648 or x <= -2147483649 then return -2147483648 end
  return x - x % 1 + ((x < 0 and x % 1 ~= 0) and 1 or 0)
end
redis.log = function(...)
  local n = select('#', ...)
  if n < 2 then error({ err = 'ERR redis.log() requires two arguments or more.' }, 0) end
  local level = ...
  local t = type(level)
  if t ~= 'number' and (t ~= 'string' or tonumber(level) == nil) then
    error({ err = 'ERR First argument must be a number (log level).' }, 0)
  end
  level = cint(level)
  if level < 0 or level > 3 then error({ err = 'ERR Invalid debug level.' }, 0) end
  -- lua_tolstring: strings and numbers are written, other values left out (no metamethods)
  local parts, m = {}, 0
  for i = 2, n do
    local v = (select(i, ...))
    local tv = type(v)
    if tv == 'string' or tv == 'number' then
      m = m + 1
      parts[m] = (i == 2 and '' or ' ') .. tostring(v)
    end
  end
  host().log(level, tconcat(parts))
end
redis.setresp = function(...)
  if select('#', ...) ~= 1 then error({ err = 'ERR redis.setresp() requires one argument.' }, 0) end
  local v = cint((...))
  if v ~= 2 and v ~= 3 then error({ err = 'ERR RESP version must be 2 or 3.' }, 0) end
  resp = v
end
redis.set_repl = function(...)
  -- Redis 7.0's wording, although one argument is what it wants
  if select('#', ...) ~= 1 then error({ err = 'ERR redis.set_repl() requires two arguments.' }, 0) end
  local v = cint((...))
  if v < 0 or v > 3 then error({ err = "ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE." }, 0) end
end
redis.replicate_commands = function() return true end
redis.breakpoint = function() return false end
redis.debug = function() end
redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING = 0, 1, 2, 3
redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, redis.REPL_ALL = 0, 1, 2, 2, 3
redis.REDIS_VERSION = '7.0.15'
redis.REDIS_VERSION_NUM = 458767
BASE.redis = redis

-- Redis's math.random/randomseed (script_lua.c): r is drawn first, then the arguments are
-- checked as luaL_checkint does (numbers and numeric strings, truncated).
local function checkint(v, i, fname, n)
  local x = tonumber(v)
  if type(v) ~= 'number' and (type(v) ~= 'string' or x == nil) then
    local got = i > n and 'no value' or type(v)
    raise("bad argument #" .. i .. " to '" .. fname .. "' (number expected, got " .. got .. ")", 3)
  end
  -- (int)(long)x on x86-64: NaN and what a long cannot hold are LONG_MIN, whose low 32 bits are 0
  if x ~= x or x >= 9223372036854775808 or x < -9223372036854775808 then return 0 end
  x = (x - x % 1 + ((x < 0 and x % 1 ~= 0) and 1 or 0)) % 4294967296
  if x >= 2147483648 then x = x - 4294967296 end
  return x
end
local floor = math.floor
math.random = function(...)
  local r = host().random()
  local n = select('#', ...)
  if n == 0 then return r end
  local a, b = ...
  if n == 1 then
    local u = checkint(a, 1, 'random', n)
    if u < 1 then raise("bad argument #1 to 'random' (interval is empty)", 2) end
    return floor(r * u) + 1
  end
  if n == 2 then
    local l, u = checkint(a, 1, 'random', n), checkint(b, 2, 'random', n)
    if l > u then raise("bad argument #2 to 'random' (interval is empty)", 2) end
    -- u - l + 1 in C int arithmetic: it wraps past 2^31 - 1 (random(0, 2^31 - 1) is negative in Redis)
    local w = (u - l + 1) % 4294967296
    if w >= 2147483648 then w = w - 4294967296 end
    return floor(r * w) + l
  end
  raise('wrong number of arguments', 2)
end
math.randomseed = function(...)
  host().randomseed(checkint((...), 1, 'randomseed', select('#', ...)))
end

local function settle(ok, ...)
  if ok then return ok, ... end
  local e = ...
  if type(e) == 'table' then
    local m = rawget(e, 'err')
    -- lua_isstring: a number err is handed over too (as the number)
    local tm = type(m)
    if tm == 'string' or tm == 'number' then return false, m end
  end
  return false, ...
end
-- Redis's pcall (luaRedisPcall) puts a boolean before the arguments and calls the value
-- argc places up: with no argument, the boolean itself
BASE.pcall = function(...)
  if select('#', ...) == 0 then return false, 'attempt to call a boolean value' end
  return settle(rawpcall(...))
end
`

/**
 * Installed last: from here on, reading an undefined global or writing a global raises
 * Redis's error (its global table is read-only). The engine copies the base's metatable
 * into each run's globals, so \`getmetatable(_G)\` is a (read-only) table as in Redis.
 *
 * A run's globals are a copy of the base's entries, so assigning a name that exists is a
 * raw write no metamethod sees: \`__redis_env\` marks them read-only (the engine's guard,
 * which every write path checks: \`_G.KEYS = 1\`, \`rawset\`, \`table.insert\`), and gives a
 * script's body (through the engine's \`setenv\`) an empty environment in front of them: reads
 * fall through to the run's globals, every assignment reaches \`__newindex\`.
 */
const GUARD = `
-- the base itself stays writable for the host (it installs the __redis bridge after this)
local rawequal, rawset = rawequal, rawset
local function readonly(t, k, v)
  if rawequal(t, BASE) then return rawset(t, k, v) end
  error('Attempt to modify a readonly table', 2)
end
BASE.__redis_env = function(env, body)
  -- plain(KEYS), plain(ARGV) written out: two Lua calls fewer per run
  local keys, args = env.KEYS, env.ARGV
  if type(keys) == 'table' and next(keys) == nil then setmetatable(keys, nil) end
  if type(args) == 'table' and next(args) == nil then setmetatable(args, nil) end
  -- the run's globals, as Redis's: _G.KEYS = 1, rawset(_G, ...), table.insert(_G, v) refuse
  readonlyTable(env)
  return setenv(body, setmetatable({}, { __index = env, __newindex = readonly }))
end
local meta = {
  __index = function(_, name)
    error("Script attempted to access nonexistent global variable '" .. tostring(name) .. "'", 2)
  end,
  __newindex = readonly,
}
-- getmetatable(_G) answers this (read-only) table; setmetatable(_G, ...) fails
meta.__metatable = meta
setmetatable(BASE, meta)
`

export const REDIS_PRELUDE = [
  CORE,
  LUA_REPLY,
  LUA_FUNCTIONS,
  LUA_STRTOD,
  LUA_CJSON_CONFIG,
  LUA_CJSON,
  LUA_CMSGPACK,
  LUA_BIT,
  LUA_STRUCT,
  LUA51_NAMES,
  LUA_ERR_HANDLER,
  LUA_ERROR,
  LUA_DUMP,
  LUA_READONLY_GLOBALS,
  GUARD,
].join('\n')
