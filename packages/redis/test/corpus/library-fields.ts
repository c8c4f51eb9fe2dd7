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
]
