import type { CorpusCase } from '../differential.js'
import { cmds, evalStep, script } from './helpers.js'

/** Each call's results (`pcall`'s status and values, non-strings typed), one list per call. */
function calls(...bodies: string[]): string {
  const list = bodies.map((b) => `function() ${b} end`).join(', ')
  return `local out = {} for i, f in ipairs({${list}}) do local r = {pcall(f)} for j = 1, #r do if type(r[j]) ~= 'string' then r[j] = type(r[j]) .. ':' .. tostring(r[j]) end end out[i] = table.concat(r, '|') end return out`
}

/**
 * Found by running random and hand-picked commands and scripts on redis-server and the
 * memory store side by side: ZINCRBY goes through ZADD's option parser (an increment that
 * names an option is a syntax error), and a script's globals are read-only to `rawset` and
 * `setmetatable` too, while other tables keep the functions' own behaviour and error texts.
 */
export const HUNT_EDGE_CASES: CorpusCase[] = [
  cmds(
    'ZINCRBY with an option name as its increment',
    ['ZADD', 'z', '1', 'm'],
    ['ZINCRBY', 'z', 'INCR', 'm'],
    ['ZINCRBY', 'z', 'nx', 'm'],
    ['ZINCRBY', 'z', 'Gt', 'lt'],
    ['ZINCRBY', 'z', 'CH', '1'],
    ['ZINCRBY', 'z', 'XX', 'm'],
    ['ZINCRBY', 'z', 'incrx', 'm'],
    ['ZINCRBY', 'z', '1', 'NX'],
    ['ZINCRBY', 'nokey', 'NX', 'm'],
    ['EVAL', "return redis.pcall('ZINCRBY', 'z', 'incr', 'm')", '0'],
    ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
  ),
  script('rawset on the globals', 'rawset(_G, "y", 41) return y'),
  script('setmetatable on the globals', 'setmetatable(_G, nil)'),
  script('rawset on the globals through pcall', 'return {pcall(rawset, _G, "z", 1)}'),
  cmds(
    'rawset on the globals leaves nothing for the next script',
    ['EVAL', 'pcall(rawset, _G, "y", 1) return 1', '0'],
    ['EVAL', 'return type(rawget(_G, "y"))', '0'],
  ),
  script(
    'rawset and setmetatable elsewhere',
    calls(
      'rawset(_G, "redis", 1) return type(redis)',
      'setmetatable(_G, {})',
      'rawset(string, "x", 1)',
      'setmetatable(string, {})',
      'return rawset()',
      'return rawset(1, 2, 3)',
      'return rawset({}, nil, 1)',
      'return rawset({}, 1)',
      'local t = {} rawset(t, "a", 1) return t.a',
      'local t = setmetatable({}, {__newindex = function() error("ni") end}) rawset(t, "k", 2) return t.k',
      'return setmetatable()',
      'return setmetatable(1, {})',
      'return setmetatable({}, 1)',
      'return getmetatable(setmetatable({}, {__metatable = "p"}))',
      'setmetatable(setmetatable({}, {__metatable = "p"}), {})',
      'return type(rawset) .. type(setmetatable)',
    ),
  ),
  script('rawset argument error uncaught, in tail position', 'return rawset(1, 2, 3)'),
  script('setmetatable argument error uncaught, in tail position', 'return setmetatable({}, 1)'),
  script('rawset of a nil key uncaught', 'return rawset({}, nil, 1)'),
  script('setmetatable of a protected metatable uncaught', 'setmetatable(setmetatable({}, {__metatable = "p"}), {})'),
  script('rawset through pcall, bad argument', 'return {pcall(rawset, 1, 2, 3)}'),
  cmds(
    "a script's own function named like a library one keeps every value it returns in tail position",
    ...[
      'local function error() return 1, 2 end local function f() return error() end return {f()}',
      'local function rawset() return 1, nil, 3 end local function f() return rawset() end return {select("#", f()), f()}',
      'local function setmetatable() end local function f() return setmetatable() end return select("#", f())',
      'local cjson = {decode = function() return 1, 2 end} local function f() return cjson.decode() end return {f()}',
      'local redis = {call = function() return 1, 2 end} local function f() return redis.call("GET", "k") end return {f()}',
      'local bit = {band = function() return 1, 2 end} local function f() return bit.band() end return {f()}',
      'local math = {random = function() return 1, 2 end} local function f() return math.random() end return {f()}',
      'local function f() return redis.call("PING") end return {f()}',
      'local function f() return cjson.decode("[1]") end return {f()}',
    ].map((src) => evalStep(src)),
  ),
  script(
    'redis.call with a string argument, no parentheses, in tail position',
    "local function f() return redis.call 'NOSUCH' end return f()",
  ),
  script('redis.call with a table argument in tail position', "local function f()\n  return redis.call{'GET'}\nend\nreturn f()"),
  script('redis.pcall with a long string argument in tail position', 'local function f() return redis.pcall[[PING]] end return f()'),
  script('error with a string argument, no parentheses, in tail position', "local function f()\n return error 'boom'\nend\nreturn f()"),
  script('a local alias called with a string in tail position', "local c = redis.call local function f() return c 'NOSUCH' end return f()"),
  cmds(
    'library calls without parentheses in tail position keep their values',
    evalStep("local function f() return cjson.decode '[1,2]' end return f()"),
    evalStep("local function f() return redis.call 'PING' end return {f(), (redis.pcall{'PING'})}"),
    evalStep("local function f() return struct.unpack('bb', '\\1\\2') end return {f()}"),
    evalStep('local function f() return cmsgpack.unpack [[ab]] end return {f()}'),
  ),
  script(
    'a comment between return and the call in tail position',
    "local function f()\n return --[[ c ]] -- d\n redis.call('NOSUCH')\nend\nreturn f()",
  ),
  cmds(
    'comments between the parts of the called name in tail position',
    evalStep("local function f() return redis --[[x]] .call('NOSUCH') end return f()"),
    evalStep("local function f() return redis.--c\ncall('NOSUCH') end return f()"),
    evalStep("local function f() return redis --[==[ a ]==] . --[[b]] pcall --[[c]] ('NOSUCH') end return {f()}"),
    evalStep("local function f() return error --[[x]] 'boom' end return f()"),
    evalStep("local c = redis.call local function f() return c --[[x]] ('NOSUCH') end return f()"),
    evalStep("local function f() return cjson --[[x]] .decode '[1,2]' end return f()"),
  ),
  cmds(
    'comments inside a local alias of a library function, called in tail position',
    evalStep("local c = redis --[[x]] .call\nreturn c('INCR')"),
    evalStep("local c --[[y]] = --[[z]] redis --[[x]] . --[[w]] call\nreturn c('INCR')"),
    evalStep("local c = --x\n redis.call\nreturn c('INCR')"),
    evalStep("local c = redis --[[x]] .call --[[y]]\n return c --[[z]] ('INCR')"),
    evalStep("local--[[a]]p=redis.--[[b]]pcall\nlocal function f() return p('INCR') end\nreturn f()"),
    evalStep("local c = redis.call --[[x]] ('PING')\nreturn c"),
  ),
]
