import type { CorpusCase } from '../differential.js'
import { cmds, script } from './helpers.js'

/** `pcall(cmsgpack.unpack, <pre> x n .. <tail> [, extra args])`, answering 'ok' or the error. */
const unpackOf = (pre: string, tail: string, n: number, extra = '') =>
  `local ok, e = pcall(cmsgpack.unpack, string.rep('${pre}', ${n}) .. '${tail}'${extra}) return ok and 'ok' or e`

/**
 * Input built to exhaust the decoders: Redis's cmsgpack keeps what it decodes on its C
 * function's Lua stack and stops at 8,000 slots with its own messages (an array nested ~4,000
 * deep, a map's pending key, 8,000 top-level values, the function's arguments counted), never
 * with the engine's own stack overflow or an internal position.
 */
export const HOSTILE_INPUT_CASES: CorpusCase[] = [
  script('cmsgpack.unpack of arrays nested 3,999 deep', unpackOf('\\145', '\\1', 3999)),
  script('cmsgpack.unpack of arrays nested 4,000 deep', unpackOf('\\145', '\\1', 4000)),
  script('cmsgpack.unpack of arrays nested 100,000 deep', unpackOf('\\145', '\\1', 100000)),
  script('cmsgpack.unpack nesting counts extra arguments', unpackOf('\\145', '\\1', 3999, ", 'x'")),
  script('cmsgpack.unpack of maps nested 3,999 deep', unpackOf('\\129\\1', '\\1', 3999)),
  script('cmsgpack.unpack of maps nested 4,000 deep', unpackOf('\\129\\1', '\\1', 4000)),
  script('cmsgpack.unpack of maps nested 50,000 deep', unpackOf('\\129\\1', '\\1', 50000)),
  script('cmsgpack.unpack of array16s nested 4,000 deep', unpackOf('\\220\\0\\1', '\\1', 4000)),
  script('cmsgpack.unpack of maps of arrays nested deep', unpackOf('\\129\\145\\1', '\\1', 2667)),
  script('cmsgpack.unpack of 7,999 top-level values', unpackOf('\\1', '', 7999)),
  script('cmsgpack.unpack of 8,000 top-level values', unpackOf('\\1', '', 8000)),
  script('cmsgpack.unpack of 7,998 values with an extra argument', unpackOf('\\1', '', 7998, ', 1')),
  script('cmsgpack.unpack of 7,999 values with an extra argument', unpackOf('\\1', '', 7999, ', 1')),
  script('cmsgpack.unpack returns 7,999 values', "return select('#', cmsgpack.unpack(string.rep('\\1', 7999)))"),
]

/**
 * FUNCTION LOAD of a library registering 10,000 functions: Redis finds a duplicate name in a
 * dict; a walk of the registered list for each name is quadratic and ran past the limits.
 */
export const HOSTILE_LIBRARY_CASES: CorpusCase[] = [
  cmds(
    'FUNCTION LOAD of a library registering 10,000 functions',
    ['FUNCTION', 'LOAD', "#!lua name=many\nfor i = 1, 10000 do redis.register_function('f' .. i, function() return i end) end"],
    'FCALL f10000 0',
    'FCALL F1 0',
    'FUNCTION STATS',
  ),
  cmds(
    'FUNCTION LOAD still refuses a name registered twice among many',
    [
      'FUNCTION',
      'LOAD',
      "#!lua name=many\nfor i = 1, 3000 do redis.register_function('f' .. i, function() return i end) end redis.register_function('f1500', function() end)",
    ],
    'FUNCTION STATS',
  ),
]
