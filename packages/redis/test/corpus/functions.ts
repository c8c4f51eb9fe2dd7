import type { CorpusCase } from '../differential.js'
import { cmds, unordered } from './helpers.js'

const lib = (name: string, body: string) => `#!lua name=${name}\n${body}`
const load = (code: string) => ['FUNCTION', 'LOAD', code]
const F1 = lib(
  'lib1',
  "redis.register_function('f1', function(keys, args) return {keys[1], args[1], redis.call('SET', keys[1], args[1]).ok} end)",
)

/** FUNCTION LOAD/DELETE/FLUSH/LIST and FCALL/FCALL_RO. */
export const FUNCTION_CASES: CorpusCase[] = [
  cmds('load and fcall', load(F1), ['FCALL', 'f1', '1', 'k', 'v'], 'GET k'),
  cmds(
    'fcall errors',
    load(F1),
    ['FCALL', 'nosuch', '0'],
    ['FCALL', 'f1', 'x'],
    ['FCALL', 'f1', '-1'],
    ['FCALL', 'f1', '3', 'a'],
    ['FCALL', 'f1'],
  ),
  cmds('library exists and replace', load(F1), load(F1), ['FUNCTION', 'LOAD', 'REPLACE', F1], ['FCALL', 'f1', '1', 'a', 'b']),
  cmds('missing metadata', load("redis.register_function('f', function() return 1 end)")),
  cmds('bad library name', load(lib('lib-x', 'return 1'))),
  cmds('no functions', load(lib('lib2', 'return 1'))),
  cmds('runtime error in function', load(lib('lib3', "local x = 1\nredis.register_function('f3', function() error('boom') end)")), [
    'FCALL',
    'f3',
    '0',
  ]),
  cmds(
    'no-writes flag',
    load(
      lib(
        'lib4',
        "redis.register_function{function_name='f4', callback=function() return redis.call('SET', 'a', 'b') end, flags={'no-writes'}}",
      ),
    ),
    ['FCALL', 'f4', '0'],
    ['FCALL_RO', 'f4', '0'],
  ),
  cmds('fcall_ro of a writing function', load(F1), ['FCALL_RO', 'f1', '1', 'k', 'v']),
  cmds(
    'function keys and args are plain tables',
    load(
      lib(
        'plain',
        "redis.register_function('plain', function(keys, args) return {type(getmetatable(keys)), type(getmetatable(args)), cjson.encode(keys), cjson.encode(args), cmsgpack.pack(keys), cmsgpack.pack(args)} end)",
      ),
    ),
    ['FCALL', 'plain', '0'],
    ['FCALL', 'plain', '1', 'k'],
    ['FCALL', 'plain', '0', 'a'],
  ),
  cmds(
    'function raising a number err',
    load(lib('numerr', "redis.register_function('numerr', function() error({err = 42}) end)")),
    ['FCALL', 'numerr', '0'],
    load(lib('numerr2', "redis.register_function('numerr2', function() local ok, e = pcall(error, {err = 7}) return {type(e), e} end)")),
    ['FCALL', 'numerr2', '0'],
  ),
  cmds(
    'fcall_ro of functions without no-writes',
    load(
      lib(
        'libro',
        "redis.register_function{function_name='ro1', callback=function() return 1 end, flags={'allow-oom'}}\n" +
          "redis.register_function{function_name='ro2', callback=function() return 2 end, flags={}}\n" +
          "redis.register_function{function_name='ro3', callback=function() return 3 end, flags={'no-writes', 'allow-stale'}}",
      ),
    ),
    ['FCALL_RO', 'ro1', '0'],
    ['FCALL_RO', 'ro2', '0'],
    ['FCALL_RO', 'ro3', '0'],
    ['FCALL', 'ro1', '0'],
  ),
  cmds('redis.call while loading', load(lib('lib5', "redis.call('GET', 'a')"))),
  cmds('global write while loading', load(lib('lib6', 'x = 1'))),
  cmds('function name taken', load(F1), load(lib('lib7', "redis.register_function('f1', function() return 1 end)"))),
  cmds('nonexistent global in function', load(lib('lib8', "local function f() return y end\nredis.register_function('f8', f)")), [
    'FCALL',
    'f8',
    '0',
  ]),
  cmds('syntax error in library', load(lib('lib9', 'return ('))),
  cmds(
    'delete and flush',
    load(F1),
    ['FUNCTION', 'DELETE', 'lib1'],
    ['FUNCTION', 'DELETE', 'lib1'],
    ['FCALL', 'f1', '1', 'k', 'v'],
    load(F1),
    ['FUNCTION', 'FLUSH'],
    ['FCALL', 'f1', '1', 'k', 'v'],
  ),
  cmds(
    'list one library',
    load(lib('libl', "redis.register_function{function_name='g', callback=function() return 1 end, flags={'no-writes'}}")),
    ['FUNCTION', 'LIST'],
  ),
  unordered(
    cmds('list two libraries', load(F1), load(lib('lib2', "redis.register_function('f2', function() return 2 end)")), ['FUNCTION', 'LIST']),
  ),
  cmds('list with code', load(F1), ['FUNCTION', 'LIST', 'WITHCODE']),
  cmds(
    'two functions in one library',
    load(
      lib('lib2', "redis.register_function('a1', function() return 'a' end)\nredis.register_function('a2', function(k, v) return #v end)"),
    ),
    ['FCALL', 'a1', '0'],
    ['FCALL', 'a2', '0', 'x', 'y'],
  ),
  cmds('function returns table reply', load(lib('lib3', "redis.register_function('t', function() return {1, {err = 'E x'}, 'z'} end)")), [
    'FCALL',
    't',
    '0',
  ]),
  cmds(
    'register_function outside load',
    load(lib('lib4', "redis.register_function('r', function() redis.register_function('q', function() end) end)")),
    ['FCALL', 'r', '0'],
  ),
  cmds(
    'a captured register_function called by a function names it and the line',
    load(
      lib(
        'lib4b',
        'local rf = redis.register_function\nrf("a1", function() return rf("a2", function() return 2 end) end)\n' +
          'rf("a3", function() rf("a4", function() end) end)\nrf("a5", function() local ok, e = pcall(rf, "a6", function() end) return e end)',
      ),
    ),
    ['FCALL', 'a1', '0'],
    ['FCALL', 'a3', '0'],
    ['FCALL', 'a5', '0'],
  ),
  cmds(
    'a tail call of a local holding redis.call or error names the script line',
    'SET s x',
    ['EVAL', "local c = redis.call\nreturn c('INCR', 's')", '0'],
    ['EVAL', "local e = error\nreturn {pcall(function() return e('m', 1) end)}", '0'],
  ),
  cmds(
    'library code past the load budget',
    load(lib('spin', 'while true do end')),
    load(lib('spin2', 'local x = 0 for i = 1, 1e9 do x = x + i end\nredis.register_function("s", function() return 1 end)')),
    load(lib('busy', 'local x = 0 for i = 1, 2e5 do x = x + i end\nredis.register_function("b", function() return x end)')),
    ['FCALL', 'b', '0'],
    ['FUNCTION', 'LIST'],
    ['FCALL', 's', '0'],
    ['EVAL', 'return 1', '0'],
  ),
  cmds(
    'function and script subcommand errors',
    'FUNCTION FOO',
    ['FUNCTION', 'foo\r\nbar'],
    'FUNCTION DELETE',
    'FUNCTION DUMP x',
    'FUNCTION KILL x',
    ['SCRIPT', 'foo\nx'],
    'SCRIPT KILL x',
  ),
]
