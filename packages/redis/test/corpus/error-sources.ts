import type { CorpusCase } from '../differential.js'
import { cmds, script } from './helpers.js'

/**
 * The `script: <sha>, on <source>:<line>.` suffix of a failed script names what Redis's
 * `__redis__err__handler` finds: the frame that raised, or its caller when that is a C
 * function; a loadstring chunk by its name or text, a C function as `=[C]:-1`.
 */
export const ERROR_SOURCE_CASES: CorpusCase[] = [
  script('error in a loadstring chunk names its text', `local f = loadstring("\\n\\nerror('boom')") return f()`),
  script('error in a loadstring chunk named @file', `loadstring("error('x')", "@file.lua")()`),
  script('error in a loadstring chunk named =mine', `loadstring("error('x')", "=mine")()`),
  script('runtime error in a named loadstring chunk', `loadstring("local t = nil\\n t.x = 1", "@f.lua")()`),
  script('error in a function a loadstring chunk made', `local f = loadstring("return function() error('y') end")() f()`),
  script('loadstring chunk named by a number', `local f = loadstring("error('x')", 5) f()`),
  script('loadstring chunk name with a NUL', `loadstring("error('x')", "=a\\0b")()`),
  script('loadstring chunk named @user_script', `loadstring("error('x')", "@user_script")()`),
  script('the newest of chunks with one short source', `loadstring("error(1)", "@z") loadstring("error(1)", "=z")()`),
  script('a chunk after many others', `for i = 1, 100 do loadstring("return " .. i) end loadstring("error(1)", "=z")()`),
  script('table.foreach calling error', 'table.foreach({1}, error)'),
  script('table.foreachi calling error', 'table.foreachi({1}, error)'),
  script('string.gsub calling error', 'string.gsub("a", "a", error)'),
  script('string.gsub calling string.rep', 'string.gsub("a", "a", string.rep)'),
  script('table.sort calling error', 'table.sort({3, 2, 1}, error)'),
  script('table.sort calling a script function that raises', 'table.sort({1, 2, 3}, function(a, b) error("z") end)'),
  script('error raised by a library function', 'string.rep()'),
  script('error raised by redis.call', 'redis.call("nope")'),
  script('error table with its own source and line', 'error({err = "E", source = "s", line = 9})'),
  script('error through coroutine.wrap', 'coroutine.wrap(function() error("x") end)()'),
  script('error raised by a metamethod', 'local t = setmetatable({}, {__index = function() error("q") end}) return t.x'),
  script('a library table raised: the handler cannot mark it', 'error(cjson)'),
  script('the string library raised', 'error(string)'),
  script('an error table whose __newindex raises', 'error(setmetatable({err = "x"}, {__newindex = function() error("no") end}))'),
  script(
    'an error table whose __newindex rewrites the position',
    'error(setmetatable({err = "x"}, {__newindex = function(t, k, v) rawset(t, k, v .. "!") end}))',
  ),
  script('the handler is a global function', 'return type(__redis__err__handler)'),
  script('the handler called by a script', 'local t = __redis__err__handler("x") return {t.err, t.source, t.line}'),
  script('the handler keeps an error table', 'local t = __redis__err__handler({err = 5}) return {t.err, t.source, t.line}'),
  script('the handler under pcall', 'return {pcall(__redis__err__handler, "x")}'),
  script('loadstring argument errors', 'return {pcall(loadstring), pcall(loadstring, "x", {})}'),
  script('loadstring without arguments, uncaught', 'return loadstring()'),
  script('loadstring of a bad chunk', 'return {loadstring("x x"), loadstring("x x", "=n")}'),
  // chunk ids as Lua 5.1 cuts them: 60 bytes at run time, 80 in compile errors
  ...[42, 43, 44, 62, 63, 64].map((n) =>
    script(
      `string chunk named by ${n} bytes`,
      `local n = string.rep('a', ${n}) return {select(2, pcall(loadstring('local t = nil; t.x = 1', n))), select(2, loadstring('x x', n))}`,
    ),
  ),
  ...[52, 53, 72, 73].map((n) =>
    script(
      `@ chunk name of ${n} bytes`,
      `local n = '@' .. string.rep('b', ${n}) return {select(2, pcall(loadstring('error(1)', n))), select(2, loadstring('x x', n))}`,
    ),
  ),
  ...[59, 60, 79, 80].map((n) =>
    script(
      `= chunk name of ${n} bytes`,
      `local n = '=' .. string.rep('c', ${n}) return {select(2, pcall(loadstring('error(1)', n))), select(2, loadstring('x x', n))}`,
    ),
  ),
  script('uncaught error in a chunk with a long name', `loadstring('error(1)', '@' .. string.rep('b', 80))()`),
  script('uncaught error in a chunk with a long text', `loadstring('error(1) --' .. string.rep('e', 80))()`),
  cmds(
    'FCALL: error in a loadstring chunk',
    ['FUNCTION', 'LOAD', "#!lua name=lib\nredis.register_function('f', function() loadstring(\"error('x')\", '=c')() end)"],
    ['FCALL', 'f', '0'],
  ),
  cmds(
    'FCALL: table.foreach calling error',
    ['FUNCTION', 'LOAD', "#!lua name=lib\nredis.register_function('f', function() table.foreach({1}, error) end)"],
    ['FCALL', 'f', '0'],
  ),
]
