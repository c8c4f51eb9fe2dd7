import type { CorpusCase } from '../differential.js'
import { cmds, script } from './helpers.js'

/** A one-frame-per-level recursion n deep. */
const recursion = (n: number) => `local function f(n) if n == 0 then return 0 end return 1 + f(n - 1) end return f(${n})`

/**
 * A script's environment and the redis.* API at their edges: read-only globals, Lua 5.1's
 * names, argument coercion of the redis.* functions, error tables from commands, C-string
 * texts of replies, NaN doubles, and call depth.
 */
export const ENVIRONMENT_CASES: CorpusCase[] = [
  script('assigning KEYS fails', 'KEYS = 1'),
  script('assigning ARGV fails', 'ARGV = nil'),
  script('assigning redis fails', 'redis = nil'),
  script('assigning cjson fails', 'cjson = nil'),
  script('assigning a new global fails', 'x = 1'),
  script('assigning through _G fails', '_G.x = 1'),
  script('assigning a global under pcall', 'return {pcall(function() KEYS = 1 end)}'),
  script(
    'globals still read and list',
    "local n = 0 for _ in pairs(_G) do n = n + 1 end return {n > 10, type(rawget(_G, 'redis')), KEYS[1], ARGV[1]}",
    [],
    ['k'],
    ['a'],
  ),
  script('getmetatable(_G) is a table', 'return type(getmetatable(_G))'),
  // KEYS and ARGV are plain tables, empty or not; their encodings stay Redis's
  script('empty KEYS and ARGV have no metatable', 'return {type(getmetatable(KEYS)), type(getmetatable(ARGV))}'),
  script('empty ARGV beside keys has no metatable', 'return {type(getmetatable(KEYS)), type(getmetatable(ARGV))}', [], ['k']),
  script('empty KEYS beside args has no metatable', 'return {type(getmetatable(KEYS)), type(getmetatable(ARGV))}', [], [], ['a']),
  script('getmetatable of empty KEYS is nil', 'return getmetatable(KEYS)'),
  script('pairs over the metatable of empty KEYS', 'for k in pairs(getmetatable(KEYS)) do end return 1'),
  script(
    'empty KEYS and ARGV encoded',
    'return {cjson.encode(KEYS), cjson.encode(ARGV), cmsgpack.pack(KEYS), cmsgpack.pack(ARGV), cjson.encode({KEYS, ARGV})}',
  ),
  script(
    'KEYS and ARGV encoded',
    'return {cjson.encode(KEYS), cjson.encode(ARGV), cmsgpack.pack(KEYS), cmsgpack.pack(ARGV)}',
    [],
    ['k'],
    ['a', 'b'],
  ),
  script('empty KEYS grows', "KEYS[1] = 'x' return {cjson.encode(KEYS), #KEYS, type(getmetatable(KEYS))}"),
  script('the metatable of _G is read-only', 'getmetatable(_G).__index = nil'),
  script('_VERSION is Lua 5.1', 'return _VERSION'),
  script(
    'redis.sha1hex of numbers hashes their Lua text',
    'return {redis.sha1hex(1e15), redis.sha1hex(1/0), redis.sha1hex(0/0), redis.sha1hex(0.1)}',
  ),
  script(
    'redis.setresp converts its argument',
    "redis.setresp('3') local a = redis.call('HGETALL', 'nokey') redis.setresp(2.5) return {type(a), redis.setresp(2)}",
  ),
  script('redis.setresp of a non-number', "return redis.setresp('3x')"),
  script('redis.setresp of NaN', 'return redis.setresp(0/0)'),
  script(
    'redis.set_repl converts its argument',
    "return {redis.set_repl('3'), redis.set_repl({}), redis.set_repl(3.5), redis.set_repl('3x')}",
  ),
  script('redis.set_repl out of range', 'return redis.set_repl(2^40)'),
  script('redis.set_repl with two arguments', 'return redis.set_repl(1, 2)'),
  script('redis.set_repl without arguments', 'return redis.set_repl()'),
  script(
    'redis.pcall error tables of commands carry ignore_error_stats_update',
    "redis.call('SET', 'k', 'v') local out = {} for i, c in ipairs({{'NOSUCH'}, {'GET'}, {'INCR', 'k'}, {'EVAL', 'return 1', '0'}}) do out[i] = tostring(redis.pcall(unpack(c)).ignore_error_stats_update) end return out",
  ),
  script(
    'redis.pcall errors of its own carry no ignore_error_stats_update',
    "return {tostring(redis.pcall().ignore_error_stats_update), tostring(redis.pcall({}).ignore_error_stats_update), tostring(redis.error_reply('x').ignore_error_stats_update)}",
  ),
  script(
    'RESP3 command errors carry ignore_error_stats_update',
    "redis.setresp(3) return tostring(redis.pcall('NOSUCH').ignore_error_stats_update)",
  ),
  script('redis.error_reply stops at a NUL', "return {redis.error_reply('x\\0y').err, redis.error_reply('-\\0y').err}"),
  script('an error_reply with a NUL', "return redis.error_reply('x\\0y')"),
  script('a status_reply with a NUL', "return redis.status_reply('a\\0b')"),
  script('err and ok tables with a NUL', "return {{err = 'x\\0y'}, {ok = 'a\\0b'}}"),
  script('a raised error table with a NUL', "error({err = 'x\\0y'})"),
  script('a raised error string with a NUL', "error('x\\0y')"),
  script('a NaN double keeps its sign', 'return {{double = 0/0}, {double = -(0/0)}}'),
  script('a NaN double under RESP3', 'redis.setresp(3) return {double = 0/0}'),
  script('recursion 5000 deep', recursion(5000)),
  script('recursion 16000 deep', recursion(16000)),
  script('recursion past the call depth raises a catchable stack overflow', 'local function f() return 1 + f() end return {pcall(f)}'),
  script(
    'after a caught stack overflow the script goes on',
    'local function f() return 1 + f() end local ok = pcall(f) local ok2, e2 = pcall(f) return {tostring(ok), tostring(ok2), e2, 7}',
  ),
  // Redis's error handler runs in the room past the limit: its reply names the position
  script('an uncaught stack overflow', 'local function f() return 1 + f() end return f()'),
  script('an uncaught stack overflow two lines down', 'local x = 1\nlocal function f() return x + f() end\nreturn f()'),
  script(
    'an xpcall handler at the depth limit',
    'local function f() return 1 + f() end return {xpcall(f, function(e) return "handled: " .. e end)}',
  ),
  // In Lua 5.1 `_ENV` is an ordinary name: a local of that name hides no global, the global is
  // undefined (Redis's nonexistent-global error) and cannot be assigned
  script('a local _ENV', 'local _ENV = {} return 1'),
  script('a local _ENV hides no global', "local _ENV = {x = 1} return {type(redis), type(_ENV), rawget(_G, 'x') == nil}"),
  script('reading a global x beside a local _ENV', 'local _ENV = {x = 1} return x'),
  script('reading the global _ENV', 'return _ENV'),
  script('the global _ENV is not set', "return {rawget(_G, '_ENV') == nil, type(rawget(_G, '_G'))}"),
  script('assigning the global _ENV', '_ENV = 1'),
  script(
    '_ENV as a parameter, an upvalue and a field',
    'local function f(_ENV) return function() return _ENV + 1 end end return {f(1)(), ({_ENV = 2})._ENV}',
  ),
  script('an error naming a local _ENV', 'local _ENV return _ENV.x'),
  script('an error naming a field of a local _ENV', 'local _ENV = {} return _ENV.a.b'),
  cmds('a local _ENV in a non-UTF-8 script', [
    'EVAL',
    { hex: Buffer.from("local s = '\xff' local _ENV = {} return {type(redis), #s}", 'latin1').toString('hex') },
    '0',
  ]),
  cmds(
    'a local _ENV in a library',
    ['FUNCTION', 'LOAD', "#!lua name=envlib\nlocal _ENV = {}\nredis.register_function('envf', function() return type(_ENV) end)"],
    ['FCALL', 'envf', '0'],
  ),
  cmds('reading the global _ENV in a library', ['FUNCTION', 'LOAD', '#!lua name=envlib2\nreturn _ENV']),
]
