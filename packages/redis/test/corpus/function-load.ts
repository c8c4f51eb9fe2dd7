import type { CorpusCase } from '../differential.js'
import { cmds, script } from './helpers.js'

const load = (code: string) => ['FUNCTION', 'LOAD', code] as const
const lib = (name: string, body: string) => load(`#!lua name=${name}\n${body}`)

/**
 * FUNCTION LOAD as Redis 7.0's functions.c and function_lua.c do it: the metadata line split
 * as sdssplitargs splits it, the load-time globals (only `redis` with `register_function`,
 * `log` and the version), register_function's argument checks, flags and descriptions,
 * function names in any case; FUNCTION LIST/FLUSH/KILL/STATS and SCRIPT KILL/DEBUG.
 */
export const FUNCTION_LOAD_CASES: CorpusCase[] = [
  ...[
    '#!lua name="a"\nredis.register_function("f", function() return 1 end)',
    '#!lua name="b c"\nredis.register_function("f", function() return 1 end)',
    '#!lua name="d\nredis.register_function("f", function() return 1 end)',
    "#!lua name='q'x\nx",
    '#!LUA name=e\nredis.register_function("g", function() return 1 end)',
    '#!js name=e\nx',
    '#!lua NAME=h\nredis.register_function("h", function() return 1 end)',
    '#!lua name=i',
    '#!',
    '#!\nx',
    '#! name=j\nx',
    '#!lua  name=k \nredis.register_function("k", function() return 1 end)',
    '#!lua name=l1 name=l2\nreturn',
    '#!lua name=l14 flags=no-writes\nreturn',
    '#!lua\nredis.register_function("f", function() return 1 end)',
  ].map((code, i) => cmds(`FUNCTION LOAD metadata ${i + 1}`, load(code), ['FUNCTION', 'LIST', 'WITHCODE'])),
  cmds(
    'FUNCTION LOAD options',
    ['FUNCTION', 'LOAD', 'REPLACE', 'REPLACE', '#!lua name=k\nredis.register_function("k", function() return 2 end)'],
    ['FUNCTION', 'LOAD', 'X', '#!lua name=k\nredis.register_function("k", function() return 2 end)'],
    ['FCALL', 'k', '0'],
  ),
  ...[
    'redis.register_function()',
    'redis.register_function(nil, nil)',
    'redis.register_function({}, function() end)',
    'redis.register_function("f", 1)',
    'redis.register_function("f8")',
    'redis.register_function("f9", function() end, 1)',
    'redis.register_function(1, function() return 1 end)',
    'redis.register_function("f-g", function() return 1 end)',
    'redis.register_function("", function() return 1 end)',
    'redis.register_function("f", function() return 1 end) redis.register_function("f", function() return 2 end)',
    'redis.register_function{function_name="f", callback=function() return 1 end, flags={"NO-WRITES", "no-writes", "allow-oom"}, description="d"}',
    'redis.register_function{function_name="f", callback=function() return 1 end, flags={1}}',
    'redis.register_function{function_name="f", callback=function() return 1 end, flags="no-writes"}',
    'redis.register_function{function_name="f", callback=function() return 1 end, flags={"no-writes", "bogus"}}',
    'redis.register_function{function_name="f", callback=function() return 1 end, description=2}',
    'redis.register_function{function_name="f", callback=function() return 1 end, description={}}',
    'redis.register_function{function_name="f", callback=function() return 1 end, [1]=2}',
    'redis.register_function{function_name="f", callback=function() return 1 end, extra=1}',
    'redis.register_function{function_name={}, callback=function() return 1 end}',
    'redis.register_function{function_name="f", callback=1}',
    'redis.register_function{callback=function() return 1 end}',
    'redis.register_function{function_name="f"}',
  ].map((body, i) => cmds(`redis.register_function arguments ${i + 1}`, lib('a', body), ['FUNCTION', 'LIST'], ['FCALL', 'f', '0'])),
  ...[
    'error("boom")',
    'redis.setresp(3)',
    'redis.call("SET", "k", "v")',
    'local x = math.floor(1)',
    'x = 1',
    'redis.x = 1',
    'redis.register_function("f", function() return pcall(error) end) return type(string)',
  ].map((body, i) => cmds(`FUNCTION LOAD globals while loading ${i + 1}`, lib('a', body))),
  cmds(
    'library code sees redis.log and the version; callbacks see every global',
    lib(
      'a',
      'local v = redis.REDIS_VERSION .. redis.LOG_WARNING .. redis.REDIS_VERSION_NUM redis.log(redis.LOG_DEBUG, "x") redis.register_function("f", function() return {v, type(math), type(redis.register_function), type(redis.call)} end)',
    ),
    ['FCALL', 'f', '0'],
  ),
  cmds(
    'register_function kept past loading refuses to run',
    lib(
      'a',
      'local r = redis redis.register_function("f", function() return {type(r.register_function), pcall(r.register_function, "g", function() end)} end)',
    ),
    ['FCALL', 'f', '0'],
  ),
  cmds(
    'function names are found in any case, and collide in any case',
    lib('a', 'redis.register_function("Fn", function() return 1 end)'),
    ['FCALL', 'fn', '0'],
    ['FCALL', 'FN', '0'],
    lib('b', 'redis.register_function("fN", function() return 2 end)'),
    ['FUNCTION', 'LOAD', 'REPLACE', '#!lua name=a\nredis.register_function("fn", function() return 3 end)'],
    ['FCALL', 'Fn', '0'],
  ),
  cmds(
    'FUNCTION LIST arguments',
    lib('alpha', 'redis.register_function("f", function() return 1 end)'),
    ['FUNCTION', 'LIST', 'LIBRARYNAME', 'AL*'],
    ['FUNCTION', 'LIST', 'libraryname', 'x*'],
    ['FUNCTION', 'LIST', 'LIBRARYNAME'],
    ['FUNCTION', 'LIST', 'WITHCODE', 'WITHCODE'],
    ['FUNCTION', 'LIST', 'LIBRARYNAME', 'a*', 'LIBRARYNAME', 'b'],
    ['FUNCTION', 'LIST', 'x'],
    ['FUNCTION', 'STATS'],
    ['FUNCTION', 'FLUSH', 'x'],
    ['FUNCTION', 'FLUSH', 'async'],
    ['FUNCTION', 'STATS'],
  ),
  cmds(
    'KILL when nothing runs; SCRIPT DEBUG NO',
    ['FUNCTION', 'KILL'],
    ['SCRIPT', 'KILL'],
    ['SCRIPT', 'DEBUG', 'no'],
    ['SCRIPT', 'DEBUG', 'x'],
  ),
  // library code ending in a tail call of a function that returns nothing: the load-time
  // environment has no `select`, and setresp/set_repl are not in its `redis`
  cmds(
    'library code returning redis.log, redis.setresp or redis.set_repl',
    lib('tl', 'redis.register_function("tl", function() return 1 end) return redis.log(redis.LOG_NOTICE, "x")'),
    ['FCALL', 'tl', '0'],
    lib('tr', 'redis.register_function("tr", function() return 1 end) return redis.setresp(3)'),
    lib('ts', 'redis.register_function("ts", function() return 1 end)\nreturn redis.set_repl(1)'),
    lib('tb', 'redis.register_function("tb", function() return 1 end) local select = nil return redis.log(1, "x")'),
    lib('tf', 'redis.register_function("tf", function() local select = nil return redis.setresp(3) end)'),
    ['FCALL', 'tf', '0'],
    ['FCALL', 'tb', '0'],
    ['FUNCTION', 'STATS'],
  ),
  script(
    'a script shadowing select keeps every value of a tail call',
    "local select = nil\nlocal function f() return pcall(error, 'm') end\nlocal function g() return struct.unpack('bb', '\\1\\2') end\nreturn {f(), g()}",
  ),
  script('a tail call in a script shadowing select', 'local select = 1 return redis.log(redis.LOG_NOTICE, "x")'),
  script('EVAL scripts have no redis.register_function', 'return type(redis.register_function)'),
  script(
    'redis.log reads its level as a C int and writes strings and numbers only',
    "local p = function(...) return {pcall(redis.log, ...)} end\nreturn {p('3', 'x'), p(3.9, 'x'), p(-0.5, 'x'), p(0/0, 'x'), p(2^32 + 1, 'x'), p('x', 'x'), p(1, {}, setmetatable({}, {__tostring = error}), nil, true, 1, 'x')}",
  ),
  script(
    'math.random reads its bounds as luaL_checkint does',
    'local p = function(...) return {pcall(math.random, ...)} end\nreturn {p(0/0), p(1e300), p(2, 0/0), p(-2^32 + 3), {pcall(math.randomseed, 0/0)}}',
  ),
  script(
    "string.format('%d') of numbers beyond 2^53",
    "return {string.format('%d', 2^60), string.format('%d', -2^63), string.format('%5d|%x', 2^53 + 2, 2^60)}",
  ),
]
