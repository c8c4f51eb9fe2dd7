import type { CorpusArg, CorpusCase } from '../differential.js'
import { cmds, evalStep } from './helpers.js'

/** Puts the global cjson's settings back to lua-cjson's defaults (Redis keeps them from run to run). */
const RESET =
  'cjson.encode_sparse_array(false, 2, 10) cjson.encode_max_depth(1000) cjson.decode_max_depth(1000) cjson.encode_number_precision(14) cjson.encode_keep_buffer(true) cjson.encode_invalid_numbers(false) cjson.decode_invalid_numbers(true)'

/** A script that changes settings, then puts them back, its reply kept. */
function scoped(src: string): readonly CorpusArg[] {
  return evalStep(`local r = {pcall(function() ${src} end)} ${RESET} return r`)
}

const NESTED =
  'local function nest(n, obj) local t = {} local c = t for i = 2, n do local x = {} if obj then c.k = x else c[1] = x end c = x end return t end'

/**
 * lua-cjson 2.1.0's settings functions as Redis 7.0 has them: replies, argument errors, the
 * effect of each on encode and decode, and how long a setting lasts (Redis keeps the global
 * module's settings from script to script, per Lua state: SCRIPT FLUSH makes a new EVAL
 * state, functions have their own). Every case starts from a SCRIPT FLUSH.
 */
export const CJSON_SETTINGS_CASES: CorpusCase[] = [
  cmds(
    'cjson settings: defaults',
    'SCRIPT FLUSH',
    evalStep(
      'return {{cjson.encode_sparse_array()}, cjson.encode_max_depth(), cjson.decode_max_depth(), cjson.encode_number_precision(), tostring(cjson.encode_keep_buffer()), tostring(cjson.encode_invalid_numbers()), tostring(cjson.decode_invalid_numbers())}',
    ),
  ),
  cmds(
    'cjson settings: replies when set',
    'SCRIPT FLUSH',
    scoped(
      'return {{cjson.encode_sparse_array(true, 3, 4)}, {cjson.encode_sparse_array("off")}, cjson.encode_max_depth(5), cjson.decode_max_depth("7"), cjson.encode_number_precision(3.9), tostring(cjson.encode_keep_buffer("off")), tostring(cjson.encode_invalid_numbers("null")), tostring(cjson.encode_invalid_numbers("on")), tostring(cjson.encode_invalid_numbers(false)), tostring(cjson.decode_invalid_numbers(false)), tostring(cjson.decode_invalid_numbers("on"))}',
    ),
  ),
  cmds(
    'cjson settings: argument errors',
    'SCRIPT FLUSH',
    scoped(
      'local out = {} for _, f in ipairs({function() return cjson.encode_max_depth(0) end, function() return cjson.encode_max_depth(1, 2) end, function() return cjson.encode_max_depth("x") end, function() return cjson.encode_max_depth({}) end, function() return cjson.decode_max_depth(-1) end, function() return cjson.encode_number_precision(15) end, function() return cjson.encode_number_precision(0) end, function() return cjson.encode_sparse_array(1) end, function() return cjson.encode_sparse_array(true, -1) end, function() return cjson.encode_sparse_array(true, 1, -2) end, function() return cjson.encode_sparse_array(true, 1, 2, 3) end, function() return cjson.encode_keep_buffer("yes") end, function() return cjson.encode_keep_buffer({}) end, function() return cjson.encode_invalid_numbers("both") end, function() return cjson.decode_invalid_numbers(nil, nil) end, function() return cjson.encode_max_depth(2^32 + 3) end} do out[#out + 1] = select(2, pcall(f)) end return out',
    ),
  ),
  cmds('cjson settings: an argument error uncaught', 'SCRIPT FLUSH', evalStep('return cjson.encode_number_precision(20)')),
  cmds('cjson settings: called through pcall', 'SCRIPT FLUSH', scoped('return {pcall(cjson.encode_max_depth, "x")}')),
  cmds(
    'cjson settings: encode_number_precision',
    'SCRIPT FLUSH',
    scoped(
      'cjson.encode_number_precision(3) local a = cjson.encode({math.pi, 1e20, 0.1, -12345, 100}) cjson.encode_number_precision(1) return {a, cjson.encode({[2.5] = 1.25})}',
    ),
  ),
  cmds(
    'cjson settings: encode_invalid_numbers',
    'SCRIPT FLUSH',
    scoped(
      'local out = {} for _, m in ipairs({"on", "null"}) do cjson.encode_invalid_numbers(m) out[#out + 1] = cjson.encode({1/0, -1/0, 0/0, -(0/0), 1}) out[#out + 1] = cjson.encode({[1/0] = 1}) end cjson.encode_invalid_numbers(false) out[#out + 1] = select(2, pcall(cjson.encode, {1/0})) return out',
    ),
  ),
  cmds(
    'cjson settings: decode_invalid_numbers off',
    'SCRIPT FLUSH',
    scoped(
      'cjson.decode_invalid_numbers(false) local out = {} for _, s in ipairs({"[1]", "[-1.5e3]", "[+1]", "[0x10]", "[01]", "[-01]", "[inf]", "[-inf]", "[nan]", "[NaN]", "[Infinity]", "[0]", "[-0]", "[0.5]", "[x]", "[-]"}) do local ok, v = pcall(cjson.decode, s) out[#out + 1] = ok and cjson.encode(v) or v end return out',
    ),
  ),
  cmds(
    'cjson settings: decode_invalid_numbers on',
    'SCRIPT FLUSH',
    evalStep(
      'cjson.encode_invalid_numbers(true) local out = {} for _, s in ipairs({"[+1]", "[0x10]", "[01]", "[inf]", "[-inf]", "[nan]", "[Infinity]", "[+x]", "[ix]"}) do local ok, v = pcall(cjson.decode, s) out[#out + 1] = ok and cjson.encode(v) or v end return out',
    ),
  ),
  cmds(
    'cjson settings: encode_sparse_array',
    'SCRIPT FLUSH',
    scoped(
      'local out = {} cjson.encode_sparse_array(true) out[#out + 1] = cjson.encode({[1] = 1, [20] = 2}) cjson.encode_sparse_array(false, 0) out[#out + 1] = cjson.encode({[1] = 1, [14] = 2}) cjson.encode_sparse_array(false, 1, 0) out[#out + 1] = select(2, pcall(cjson.encode, {[1] = 1, [3] = 2})) out[#out + 1] = cjson.encode({1, 2, 3}) cjson.encode_sparse_array(false, 3, 2) out[#out + 1] = cjson.encode({[1] = 1, [3] = 2}) out[#out + 1] = select(2, pcall(cjson.encode, {[1] = 1, [7] = 2})) return out',
    ),
  ),
  cmds(
    'cjson settings: max depths',
    'SCRIPT FLUSH',
    scoped(
      `${NESTED} cjson.encode_max_depth(3) cjson.decode_max_depth(2) local out = {} out[#out + 1] = cjson.encode(nest(3)) out[#out + 1] = select(2, pcall(cjson.encode, nest(4))) out[#out + 1] = select(2, pcall(cjson.encode, nest(4, true))) out[#out + 1] = cjson.encode(cjson.decode("[[1]]")) out[#out + 1] = select(2, pcall(cjson.decode, "[[[1]]]")) out[#out + 1] = select(2, pcall(cjson.decode, '{"a":{"b":{}}}')) return out`,
    ),
  ),
  cmds(
    'cjson settings: nesting past the Lua stack, whatever the depth allows',
    'SCRIPT FLUSH',
    ...[
      'return #cjson.encode(nest(7997))',
      'return {pcall(cjson.encode, nest(7998))}',
      'return {pcall(cjson.encode, nest(3999, true))}',
      'return {pcall(cjson.encode, nest(4000, true))}',
      'return {pcall(cjson.encode, nest(50000))}',
      'return type(cjson.decode(string.rep("[", 7998) .. string.rep("]", 7998)))',
      'return {pcall(cjson.decode, string.rep("[", 7999) .. string.rep("]", 7999))}',
      `return {pcall(cjson.decode, string.rep('{"a":', 3999) .. "1" .. string.rep("}", 3999))}`,
      `return {pcall(cjson.decode, string.rep('{"a":', 4000) .. "1" .. string.rep("}", 4000))}`,
      `return {pcall(cjson.decode, string.rep('[{"a":', 3000) .. "1" .. string.rep("}]", 3000))}`,
      'return {pcall(cjson.decode, string.rep("[", 60000))}',
    ].map((body) => evalStep(`${NESTED} cjson.encode_max_depth(100000) cjson.decode_max_depth(100000) ${body}`)),
  ),
  cmds(
    'cjson settings last from script to script until SCRIPT FLUSH',
    'SCRIPT FLUSH',
    evalStep(
      'return {cjson.encode_number_precision(4), tostring(cjson.encode_invalid_numbers("null")), {cjson.encode_sparse_array(true)}}',
    ),
    evalStep('return {cjson.encode(math.pi), cjson.encode({0/0}), cjson.encode({[1] = 1, [30] = 1}), cjson.encode_number_precision()}'),
    'SCRIPT FLUSH',
    evalStep('return {cjson.encode(math.pi), cjson.encode_number_precision(), tostring(cjson.encode_invalid_numbers())}'),
  ),
  cmds(
    'cjson settings: a setting stays after an error in the same call',
    'SCRIPT FLUSH',
    evalStep('return {pcall(cjson.encode_sparse_array, true, 5, -1)}'),
    evalStep('return {cjson.encode_sparse_array()}'),
  ),
  cmds(
    'cjson settings: encode_sparse_array called in tail position answers its three values',
    'SCRIPT FLUSH',
    evalStep('return cjson.encode_sparse_array()'),
    evalStep('local function f() return cjson.encode_sparse_array() end return {f()}'),
    scoped('return cjson.encode_sparse_array(true, 3, 4)'),
    evalStep('local c = cjson.new() local function f() return c.encode_sparse_array() end return {f()}'),
    evalStep(
      'local function f() return cjson . encode_sparse_array (nil, 5) end local r = {f()} cjson.encode_sparse_array(false, 2, 10) return r',
    ),
  ),
  cmds(
    'cjson.new has settings of its own',
    'SCRIPT FLUSH',
    scoped(
      'local c = cjson.new() c.encode_number_precision(2) local d = cjson.new() return {c.encode(math.pi), d.encode(math.pi), cjson.encode(math.pi), c.encode_number_precision(), cjson.encode_number_precision(), type(c.encode_max_depth)}',
    ),
  ),
  cmds(
    'cjson settings: functions have their own, kept from call to call',
    'SCRIPT FLUSH',
    'FUNCTION FLUSH',
    [
      'FUNCTION',
      'LOAD',
      "#!lua name=cj\nredis.register_function('get', function() return {cjson.encode(math.pi), cjson.encode_number_precision()} end)\nredis.register_function('set', function(k, a) return cjson.encode_number_precision(tonumber(a[1])) end)",
    ],
    evalStep('return cjson.encode_number_precision(2)'),
    'FCALL get 0',
    'FCALL set 0 5',
    'FCALL get 0',
    evalStep('return cjson.encode(math.pi)'),
    'FUNCTION FLUSH',
    [
      'FUNCTION',
      'LOAD',
      "#!lua name=cj\nredis.register_function('get', function() return {cjson.encode(math.pi), cjson.encode_number_precision()} end)\nredis.register_function('set', function(k, a) return cjson.encode_number_precision(tonumber(a[1])) end)",
    ],
    'FCALL get 0',
    'FCALL set 0 14',
    'FUNCTION FLUSH',
    'SCRIPT FLUSH',
  ),
  // the host keeps the settings through a global a script can reach (Redis has no such name):
  // a value no setter accepts must not reach the next runs
  cmds(
    'settings past what the setters accept, stored by a script, do not reach the next runs',
    'SCRIPT FLUSH',
    evalStep('return {pcall(function() __redis_cjson.set(1, {0, 2, 10, 1000, 1000, 0, 1, 1, 1e9}) end) == false}'),
    evalStep('return cjson.encode(0.1)'),
    evalStep('return {pcall(function() __redis_cjson.set(1, {0, -1, -1, 1000, 1000, 0, 1, 1, 14}) end) == false}'),
    evalStep('return {pcall(cjson.encode, {[20] = 1})}'),
    evalStep('return {pcall(function() __redis_cjson.set(2, {0, 2, 10, 0, 1000, 0, 1, 1, 14}) end) == false}'),
    'SCRIPT FLUSH',
  ),
]
