import type { CorpusCase } from '../differential.js'
import { cmds, script } from './helpers.js'

/** Each call's results as a list (`pcall`'s false and the message on an error), one list per call. */
function calls(...exprs: string[]): string {
  const list = exprs.map((e) => `function() return ${e} end`).join(', ')
  return `local out = {} for _, f in ipairs({${list}}) do local r = {pcall(f)} for i = 1, #r do if type(r[i]) == 'boolean' then r[i] = tostring(r[i]) end end out[#out + 1] = r end return out`
}

const THREE = 'cmsgpack.pack(1, "two", {3, 4})'

/**
 * lua_cmsgpack's `unpack_one` and `unpack_limit` (mp_unpack_full) as Redis 7.0 has them:
 * the offset to go on from (-1 at the end) and the values, the limit/offset rules (a limit
 * and an offset of 0 both unpack everything without an offset), the numbers as C ints,
 * argument errors, the bad-offset/limit messages (C passes the length for the limit), and
 * truncated or bad input.
 */
export const CMSGPACK_PARTIAL_CASES: CorpusCase[] = [
  script(
    'cmsgpack: unpack_one and unpack_limit are listed',
    "local t = {} for k, v in pairs(cmsgpack) do t[#t + 1] = k .. ':' .. type(v) end table.sort(t) return t",
  ),
  script(
    'cmsgpack.unpack_one walks the input',
    `local s = ${THREE} local out, off = {}, 0 while off >= 0 and #out < 10 do local r = {cmsgpack.unpack_one(s, off)} off = r[1] out[#out + 1] = {r[1], cjson.encode(r[2] or 'nil'), #r} end return out`,
  ),
  script(
    'cmsgpack.unpack_one: offsets',
    calls(
      `cmsgpack.unpack_one(${THREE})`,
      `cmsgpack.unpack_one(${THREE}, 0)`,
      `cmsgpack.unpack_one(${THREE}, 1)`,
      `cmsgpack.unpack_one(${THREE}, 2)`,
      `cmsgpack.unpack_one(${THREE}, 5)`,
      `cmsgpack.unpack_one(${THREE}, 8)`,
      `cmsgpack.unpack_one(${THREE}, 9)`,
      `cmsgpack.unpack_one(${THREE}, -1)`,
      `cmsgpack.unpack_one(${THREE}, "2")`,
      `cmsgpack.unpack_one(${THREE}, " 0x2 ")`,
      `cmsgpack.unpack_one(${THREE}, 2.9)`,
      `cmsgpack.unpack_one(${THREE}, -0.5)`,
      `cmsgpack.unpack_one(${THREE}, 2^32 + 1)`,
      `cmsgpack.unpack_one(${THREE}, 2^31)`,
      `cmsgpack.unpack_one(${THREE}, 2^64)`,
      `cmsgpack.unpack_one(${THREE}, -2^32 + 3)`,
      `cmsgpack.unpack_one(${THREE}, -2^32 - 3)`,
      `cmsgpack.unpack_one(${THREE}, 2^53)`,
      `cmsgpack.unpack_one(${THREE}, "1e300")`,
      `cmsgpack.unpack_one(${THREE}, 1/0)`,
      `cmsgpack.unpack_one(${THREE}, 0/0)`,
      `cmsgpack.unpack_one(${THREE}, nil)`,
      `cmsgpack.unpack_one(${THREE}, "x")`,
      `cmsgpack.unpack_one(${THREE}, {})`,
      `cmsgpack.unpack_one(${THREE}, 1, "ignored")`,
    ),
  ),
  script(
    'cmsgpack.unpack_limit: limits and offsets',
    calls(
      `cmsgpack.unpack_limit(${THREE}, 0)`,
      `cmsgpack.unpack_limit(${THREE}, 0, 0)`,
      `cmsgpack.unpack_limit(${THREE}, 0, 1)`,
      `cmsgpack.unpack_limit(${THREE}, 0, 9)`,
      `cmsgpack.unpack_limit(${THREE}, 1)`,
      `cmsgpack.unpack_limit(${THREE}, 2)`,
      `cmsgpack.unpack_limit(${THREE}, 3)`,
      `cmsgpack.unpack_limit(${THREE}, 4)`,
      `cmsgpack.unpack_limit(${THREE}, 100, 1)`,
      `cmsgpack.unpack_limit(${THREE}, 1, 9)`,
      `cmsgpack.unpack_limit(${THREE}, 1, 10)`,
      `cmsgpack.unpack_limit(${THREE}, -1)`,
      `cmsgpack.unpack_limit(${THREE}, -1, -2)`,
      `cmsgpack.unpack_limit(${THREE}, 2, -3)`,
      `cmsgpack.unpack_limit(${THREE}, 2^32 - 1)`,
      `cmsgpack.unpack_limit(${THREE}, 2^32)`,
      `cmsgpack.unpack_limit(${THREE}, "1", "1")`,
      `cmsgpack.unpack_limit(${THREE})`,
      `cmsgpack.unpack_limit(${THREE}, nil)`,
      `cmsgpack.unpack_limit(${THREE}, "a")`,
      `cmsgpack.unpack_limit(${THREE}, 1, "b")`,
      `cmsgpack.unpack_limit(${THREE}, 1, {})`,
      'cmsgpack.unpack_limit("", 0)',
      'cmsgpack.unpack_limit("", 1)',
      'cmsgpack.unpack_limit("", 1, 1)',
    ),
  ),
  script(
    'cmsgpack.unpack_one and unpack_limit: the string argument',
    calls(
      'cmsgpack.unpack_one()',
      'cmsgpack.unpack_one(nil)',
      'cmsgpack.unpack_one({})',
      'cmsgpack.unpack_one(5)',
      'cmsgpack.unpack_one(12.5, 1)',
      'cmsgpack.unpack_limit(nil, 1)',
      'cmsgpack.unpack_limit({}, "x")',
      'cmsgpack.unpack_limit(true, 1)',
      'cmsgpack.unpack_limit(123, 2)',
      'cmsgpack.unpack_one("")',
      'cmsgpack.unpack_one("", 0)',
    ),
  ),
  script(
    'cmsgpack.unpack_one and unpack_limit: truncated and bad input',
    calls(
      'cmsgpack.unpack_one("\\145")',
      'cmsgpack.unpack_one("\\1\\145", 1)',
      'cmsgpack.unpack_one("\\1\\205\\1", 1)',
      'cmsgpack.unpack_one("\\1\\196\\1a")',
      'cmsgpack.unpack_one("\\1\\196\\1a", 1)',
      'cmsgpack.unpack_one("\\1\\193", 1)',
      'cmsgpack.unpack_limit("\\1\\2\\145", 2)',
      'cmsgpack.unpack_limit("\\1\\2\\145", 3)',
      'cmsgpack.unpack_limit("\\1\\2\\145", 0)',
      'cmsgpack.unpack_limit("\\129\\192\\1", 1)',
      'cmsgpack.unpack_one("\\161", 0)',
    ),
  ),
  script('cmsgpack.unpack_one: an error uncaught', 'return cmsgpack.unpack_one("\\1\\145", 1)'),
  script('cmsgpack.unpack_limit: an error uncaught, not a tail call', 'local x = 1\nreturn cmsgpack.unpack_limit("\\1", -1)'),
  script('cmsgpack.unpack_limit: an argument error uncaught', 'return cmsgpack.unpack_limit("\\1")'),
  script('cmsgpack.unpack_one: through a local', 'local u = cmsgpack.unpack_one\nreturn u("\\146")'),
  script('cmsgpack.unpack_one: its reply', 'return cmsgpack.unpack_one(cmsgpack.pack({1, 2}, "x"), 0)'),
  script('cmsgpack.unpack_limit: its reply', 'return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3, 4), 2, 1)}'),
  script(
    'cmsgpack.unpack_limit of 7,998 and 7,999 values',
    "local s = string.rep('\\1', 8000) local a = {pcall(cmsgpack.unpack_limit, s, 7998)} local b = {pcall(cmsgpack.unpack_limit, s, 7999)} local c = {pcall(cmsgpack.unpack_limit, s, 8000)} return {#a, a[2], tostring(a[1]), #b, b[2], tostring(b[1]), #c, tostring(c[1]), c[2]}",
  ),
  script(
    'cmsgpack.unpack_one of arrays nested deep',
    "local r = {} for _, n in ipairs({3998, 3999, 4000}) do local ok, e = pcall(cmsgpack.unpack_one, string.rep('\\145', n) .. '\\1') r[#r + 1] = ok and 'ok' or e end return r",
  ),
  cmds(
    'cmsgpack.unpack_limit of data from the keyspace',
    ['SET', 'mp', { hex: '0102a378797a93010203' }],
    ['EVAL', "local s = redis.call('GET', KEYS[1]) return {cmsgpack.unpack_limit(s, 2, 1)}", '1', 'mp'],
  ),
]
