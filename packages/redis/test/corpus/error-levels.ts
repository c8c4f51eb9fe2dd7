import type { CorpusCase } from '../differential.js'
import { script } from './helpers.js'

const LEVELS = [0, 1, 2, 3, 4, 5]

/**
 * Places an error is raised from, as Lua expressions of `L` (the level) whose value is the
 * caught message: the main chunk, nested functions, pcall'd functions, C functions calling
 * back (sort, gsub, tostring, coroutines), metamethods, loadstring chunks, xpcall.
 */
const CAUGHT: [string, string][] = [
  ['pcall(error)', "select(2, pcall(error, 'm', L))"],
  ['a pcall’d function', "select(2, pcall(function() error('m', L) end))"],
  ['a pcall’d function in tail position', "select(2, pcall(function() return error('m', L) end))"],
  ['a function three deep', "select(2, pcall(function() local function h() error('m', L) end local function g() h() end g() end))"],
  ['pcall of pcall', "select(3, pcall(pcall, error, 'm', L))"],
  ['a message rethrown at level 0', "select(2, pcall(function() local _, e = pcall(error, 'm', L) error(e, 0) end))"],
  ['xpcall', "select(2, xpcall(function() error('m', L) end, function(e) return e end))"],
  ['a table.sort comparator', "select(2, pcall(table.sort, {3, 1, 2}, function() error('m', L) end))"],
  ['a string.gsub replacement', "select(2, pcall(string.gsub, 'abc', 'b', function() error('m', L) end))"],
  ['an __index function', "select(2, pcall(function() return setmetatable({}, {__index = function() error('m', L) end}).x end))"],
  ['a __tostring function', "select(2, pcall(tostring, setmetatable({}, {__tostring = function() error('m', L) end})))"],
  ['coroutine.wrap', "select(2, pcall(coroutine.wrap(function() error('m', L) end)))"],
  ['coroutine.resume', "select(2, coroutine.resume(coroutine.create(function() error('m', L) end)))"],
  ['a loadstring chunk', "select(2, pcall(loadstring(\"error('m', \" .. L .. ')')))"],
  ['a named loadstring chunk', "select(2, pcall(loadstring(\"error('m', \" .. L .. ')', 'chunk')))"],
  ['a function called by table.foreach', "select(2, pcall(table.foreach, {1}, function() error('m', L) end))"],
  ['a function of a single tail call', "select(2, pcall(function() local function h() error('m', L) end return h() end))"],
]

/** Places whose error is not caught: the whole reply names the level's position, or none. */
const UNCAUGHT: [string, string][] = [
  ['the main chunk', "error('m', L)"],
  ['the main chunk in tail position', "return error('m', L)"],
  ['a local function', "local function f() error('m', L) end\nf()"],
  ['a local function called in tail position', "local function f() error('m', L) end\nreturn f()"],
  ['an __index function', "local t = setmetatable({}, {__index = function() error('m', L) end})\nreturn t.x"],
]

/**
 * `error(message, level)` at every level from 0 to 5, in every place above: the position is
 * Redis's (its stack has no prelude frames), never a line of the prelude (`init.lua:208:`).
 */
export const ERROR_LEVEL_CASES: CorpusCase[] = [
  ...CAUGHT.map(([where, expr]) =>
    script(`error levels 0-5 from ${where}`, `local out = {}\nfor L = 0, 5 do out[#out + 1] = tostring(${expr}) end\nreturn out`),
  ),
  ...UNCAUGHT.flatMap(([where, src]) =>
    LEVELS.map((l) => script(`error level ${l} from ${where}, uncaught`, src.replaceAll('L)', `${l})`))),
  ),
  script(
    'error levels as the C code reads them (numeric strings, fractions, huge, non-numbers)',
    "local out = {}\nfor _, l in ipairs({'2', 1.9, -1, 2^32 + 1, 1e300, 0/0, ' 1 '}) do out[#out + 1] = select(2, pcall(function() error('m', l) end)) end\nout[#out + 1] = select(2, pcall(function() error('m', 'x') end))\nout[#out + 1] = select(2, pcall(error, 'm', {}))\nreturn out",
  ),
  script(
    'error with numbers, nil, booleans and tables',
    "return {select(2, pcall(function() error(42) end)), select(2, pcall(function() error(42, 2) end)), tostring(select(2, pcall(error))), tostring(select(2, pcall(error, true))), select(2, pcall(error, {err = 'E x'}))}",
  ),
  script(
    'errors raised inside redis.call and redis.pcall name no prelude line',
    "local out = {}\nfor _, f in ipairs({function() redis.call() end, function() redis.call({}) end, function() redis.call('GET', {}) end, function() redis.call('NOPE') end, function() redis.log() end, function() redis.setresp(5) end, function() redis.sha1hex() end, function() return x end}) do out[#out + 1] = select(2, pcall(f)) end\nreturn {out, select(2, pcall(redis.call)), select(2, pcall(redis.call, 'GET')), select(2, pcall(redis.log)), select(2, pcall(redis.set_repl))}",
  ),
  script(
    'library argument errors from a C caller name the function ?',
    "local out = {}\nfor _, c in ipairs({{math.random, 'a'}, {math.random, 0}, {math.random, 3, 1}, {bit.band, 'x'}, {bit.tohex, {}}, {struct.pack, 'c2', 'a'}, {struct.size, 'c0'}, {struct.unpack, 'b', ''}, {cjson.decode}, {cjson.decode, {}}, {cmsgpack.unpack}}) do out[#out + 1] = select(2, pcall(unpack(c))) end\nreturn out",
  ),
  script(
    'library argument errors from a Lua caller name the function',
    "return {select(2, pcall(function() local r = math.random('a') return r end)), select(2, pcall(function() local r = bit.band(1, 'x') return r end)), select(2, pcall(function() local r = struct.size('s') return r end)), select(2, pcall(function() local r = cjson.decode() return r end))}",
  ),
  script('an uncaught library error names the script line', "local x = 1\nreturn bit.band(1, 'x', nil)"),
]

/**
 * How many values Redis's functions return (`select('#', ...)`), called in tail position and
 * not: `redis.log`, `set_repl`, `setresp`, `debug` and `math.randomseed` return none.
 */
export const RESULT_COUNT_CASES: CorpusCase[] = [
  script(
    'result counts of redis.* and library functions',
    `local calls = {
      function() return redis.log(redis.LOG_WARNING, 'x') end, function() return redis.set_repl(3) end,
      function() return redis.setresp(2) end, function() return redis.replicate_commands() end,
      function() return redis.breakpoint() end, function() return redis.debug('x') end,
      function() return redis.sha1hex('x') end, function() return redis.error_reply('x') end,
      function() return redis.status_reply('x') end, function() return redis.call('SET', 'k', 'v') end,
      function() return redis.pcall('NOPE') end, function() return math.randomseed(1) end,
      function() return math.random() end, function() return cmsgpack.unpack(cmsgpack.pack(1, 2)) end,
      function() return struct.unpack('ii', struct.pack('ii', 1, 2)) end, function() return pcall(function() return 1, 2 end) end,
      function() return bit.band(1, 3) end, function() return cjson.decode('[1]') end,
    }
    local out = {}
    for i, f in ipairs(calls) do out[i] = select('#', f()) end
    out[#out + 1] = select('#', redis.log(0, 'x'))
    out[#out + 1] = select('#', redis.setresp(2))
    out[#out + 1] = select('#', redis.set_repl(0))
    return out`,
  ),
  script('redis.log returned in tail position', "return select('#', (function() return redis.log(redis.LOG_WARNING, 'x') end)())"),
]
