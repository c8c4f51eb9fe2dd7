import type { CorpusCase } from '../differential.js'
import { script } from './helpers.js'

/** The metadata fields of Redis's cjson and cmsgpack, and cjson.new (a new module table each call). */
export const LIBRARY_FIELD_CASES: CorpusCase[] = [
  script('cjson _NAME and _VERSION', 'return {cjson._NAME, cjson._VERSION}'),
  script(
    'cmsgpack _NAME, _VERSION, _COPYRIGHT and _DESCRIPTION',
    'return {cmsgpack._NAME, cmsgpack._VERSION, cmsgpack._COPYRIGHT, cmsgpack._DESCRIPTION}',
  ),
  script('cjson.new is a function', 'return type(cjson.new)'),
  script(
    'cjson.new makes another module',
    'local c = cjson.new() return {c == cjson, c.encode == cjson.encode, c.encode({1, "a"}), c.decode("[2]")[1], tostring(c.null == cjson.null), c._NAME, c._VERSION, type(c.new), c.new() == c}',
  ),
  script('a new cjson module is writable', 'local c = cjson.new() c.x = 1 return c.x'),
  script('cjson.new ignores its arguments', 'return {pcall(cjson.new, 1)}'),
  script('cjson.new in tail position', 'local function f() return cjson.new() end return f()._NAME'),
  script('cjson is still read-only', 'cjson._NAME = 1'),
  // string.dump: Redis loads no bytecode, so a dump is only kept; its header is Redis's
  script('string.dump is a function', 'return type(string.dump)'),
  script(
    'string.dump gives a string',
    'local x = 1 return {type(string.dump(function() end)), type(string.dump(function() return x end))}',
  ),
  script('string.dump header', 'return string.sub(string.dump(function() end), 1, 12)'),
  script('a dump does not load', 'return {select(2, loadstring(string.dump(function() return 1 end)))}'),
  script('string.dump argument errors', 'return {pcall(string.dump), pcall(string.dump, 1), pcall(string.dump, {})}'),
  script('string.dump without an argument, uncaught', 'string.dump()'),
  script(
    'string.dump of C functions',
    'local out = {} for _, f in ipairs({string.len, redis.call, error, pcall, cjson.encode, bit.band, string.dump, loadstring, math.random}) do out[#out + 1] = select(2, pcall(string.dump, f)) end return out',
  ),
  script('string.dump of a C function, uncaught', 'string.dump(string.len)'),
]
