/**
 * FUNCTION LOAD's side of the prelude (Redis 7.0's function_lua.c), part of the prelude chunk
 * (uses its `loading`, `registry`, `resp`, `encode`, `finish`, `rawpcall`, `plain`).
 *
 * - While library code runs, its globals are Redis's load-time ones: only `redis`, holding
 *   `register_function`, `log`, the `LOG_*` levels and the version; any other name (`math`,
 *   `error`, `redis.call`) raises "Script attempted to access nonexistent global variable".
 *   Afterwards the same environment reads the usual globals, so the registered callbacks see
 *   them, as Redis swaps its globals' `__index` back.
 * - `redis.register_function` checks its arguments in the C code's order and words, with its
 *   flags read case-insensitively and kept in Redis's order, and the description.
 * - `__redis_library` runs library code in loading mode; with no function name it answers what
 *   was registered, else it calls that function with (keys, args) and answers its reply.
 */
export const LUA_FUNCTIONS = `
do
  local FLAG_ORDER = { 'no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys' }
  local slower, sfind = string.lower, string.find
  local function fail(msg) error({ err = 'ERR ' .. msg }, 0) end
  -- lua_isstring / lua_tostring: numbers are strings too
  local function isstring(v) local t = type(v) return t == 'string' or t == 'number' end
  local function str(v) if type(v) == 'number' then return tostring(v) end return v end

  local function readFlags(t)
    local bits, j = {}, 1
    while true do
      local v = t[j]
      if v == nil then break end
      if not isstring(v) then return nil end
      local f, known = slower(str(v)), false
      for _, name in ipairs(FLAG_ORDER) do
        if name == f then
          bits[name], known = true, true
          break
        end
      end
      if not known then return nil end
      j = j + 1
    end
    local out = {}
    for _, name in ipairs(FLAG_ORDER) do if bits[name] then out[#out + 1] = name end end
    return out
  end

  local function readNamed(a)
    if type(a) ~= 'table' then
      fail('calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).')
    end
    local name, desc, fn, flags
    for k, v in next, a do
      if not isstring(k) then fail('named argument key given to redis.register_function is not a string') end
      local key = slower(str(k))
      if key == 'function_name' then
        if not isstring(v) then fail('function_name argument given to redis.register_function must be a string') end
        name = str(v)
      elseif key == 'description' then
        if not isstring(v) then fail('description argument given to redis.register_function must be a string') end
        desc = str(v)
      elseif key == 'callback' then
        if type(v) ~= 'function' then fail('callback argument given to redis.register_function must be a function') end
        fn = v
      elseif key == 'flags' then
        if type(v) ~= 'table' then fail('flags argument to redis.register_function must be a table representing function flags') end
        flags = readFlags(v)
        if not flags then fail('unknown flag given') end
      else
        fail('unknown argument given to redis.register_function')
      end
    end
    if not name then fail('redis.register_function must get a function name argument') end
    if not fn then fail('redis.register_function must get a callback argument') end
    return name, fn, flags or {}, desc
  end

  -- the names registered so far by the library loading now
  local names = {}

  local function registerFunction(...)
    if not loading then fail('redis.register_function can only be called on FUNCTION LOAD command') end
    local n = select('#', ...)
    if n < 1 or n > 2 then fail('wrong number of arguments to redis.register_function') end
    local name, fn, flags, desc
    if n == 1 then name, fn, flags, desc = readNamed((...))
    else
      local a, b = ...
      if not isstring(a) then fail('first argument to redis.register_function must be a string') end
      if type(b) ~= 'function' then fail('second argument to redis.register_function must be a function') end
      name, fn, flags = str(a), b, {}
    end
    -- functionLibCreateFunction's checks (its message names libraries)
    if not sfind(name, '^[%w_]+$') then
      fail('Library names can only contain letters, numbers, or underscores(_) and must be at least one character long')
    end
    -- by name, not a walk of the list: a library may register 100,000 functions
    if names[name] then fail('Function already exists in the library') end
    names[name] = true
    registry[#registry + 1] = { name, fn, flags, desc }
  end

  -- luaSetErrorMetatable: reading a missing name is an error
  local function missing(_, name)
    local t = type(name)
    if t ~= 'string' and t ~= 'number' then error('Second argument to luaProtectedTableError must be a string or number', 2) end
    error("Script attempted to access nonexistent global variable '" .. tostring(name) .. "'", 2)
  end
  -- FCALL runs the library code again (run-functions.ts); what it logs was logged at FUNCTION
  -- LOAD, where Redis runs it once, so that run logs nothing (the same code passed there)
  local replaying, log = false, redis.log
  local function loadLog(...)
    if replaying then return end
    return log(...)
  end
  local loadRedis = setmetatable({
    register_function = registerFunction,
    log = loadLog,
    LOG_DEBUG = 0, LOG_VERBOSE = 1, LOG_NOTICE = 2, LOG_WARNING = 3,
    REDIS_VERSION = redis.REDIS_VERSION, REDIS_VERSION_NUM = redis.REDIS_VERSION_NUM,
  }, { __index = missing })
  local LOAD_API = setmetatable({ redis = loadRedis }, { __index = missing })

  local function refuse() error('Attempt to modify a readonly table', 2) end
  local libEnv, libMeta
  -- a library chunk's environment: the load-time globals while loading, else the run's
  BASE.__redis_fenv = function(env, body)
    -- the run's globals refuse writes (_G.KEYS = 1, rawset, table.insert) as Redis's do
    readonlyTable(env)
    libEnv = env
    libMeta = { __index = LOAD_API, __newindex = refuse }
    return setenv(body, setmetatable({}, libMeta))
  end

  BASE.__redis_library = function(f, fname, keys, args)
    loading, registry, names, resp, runKind = true, {}, {}, 2, 2
    if libMeta then libMeta.__index = LOAD_API end
    replaying = fname ~= nil
    local ok, err = rawpcall(f)
    loading, replaying = false, false
    if libMeta then libMeta.__index = libEnv end
    local reg = registry
    registry = nil
    if not ok then error(err, 0) end
    if fname == nil then
      local out = {}
      for i, r in ipairs(reg) do out[i] = { r[1], r[3], r[4] or false } end
      return out
    end
    for _, r in ipairs(reg) do
      if r[1] == fname then
        local out = {}
        local fn, k, a = r[2], plain(keys), plain(args)
        newRun()
              local ok2, v = xpcall(function() return fn(k, a) end, onError)
        if not ok2 then error(handled(v), 0) end
        return finish(out, encode(v, out, 0, ROOT))
      end
    end
    error({ err = 'ERR Function not found' }, 0)
  end
end
`
