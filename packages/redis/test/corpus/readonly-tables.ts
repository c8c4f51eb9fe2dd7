import type { CorpusArg, CorpusCase } from '../differential.js'
import { cmds, evalStep } from './helpers.js'

/** Bytes (a JS string, one char per byte) as a corpus argument. */
const bytes = (s: string): CorpusArg => ({ hex: Buffer.from(s, 'latin1').toString('hex') })

/** A script that shows the globals and libraries are as they were: run after each refused write. */
const INTACT = 'return {type(KEYS), type(redis), type(redis.call), type(string.x), type(cjson.encode), type(rawget(_G, 1)), KEYS[1]}'

/** Writes Redis's read-only tables refuse (the globals and every library table reachable from them). */
const WRITES = [
  '_G.KEYS = 1',
  '_G.redis = nil',
  '_G._G = 1',
  '_G[1] = 1',
  "_G['cjson'] = 1",
  'string.x = 1',
  'table.insert(redis, 1)',
  'table.insert(_G, 1)',
  "table.insert(_G, 1, 'v')",
  "rawset(string, 'a', 1)",
  "rawset(_G, 'KEYS', 1)",
  "rawset(_G, 'x', 1)",
  'setmetatable(cjson, {})',
  'setmetatable(_G, nil)',
  'local t = setmetatable({}, {__newindex = _G}) t.KEYS = 1',
]

/** Calls on the read-only globals that Redis answers before reaching the table (argument errors, no write at all). */
const NO_WRITES = [
  "rawset(_G, 'k')",
  'rawset(_G)',
  'setmetatable(_G)',
  'setmetatable(_G, 1)',
  'table.remove(_G)',
  'table.sort(_G)',
  'return rawget(_G, "KEYS")[1]',
]

const steps = (body: string) => [evalStep(body, ['k']), evalStep(`return {pcall(function() ${body} end)}`, ['k']), evalStep(INTACT, ['k'])]

const fcall = (body: string) => [
  ['FUNCTION', 'LOAD', 'REPLACE', `#!lua name=rolib\nredis.register_function('rof', function() ${body} end)`],
  ['FCALL', 'rof', '0'],
  [
    'FUNCTION',
    'LOAD',
    'REPLACE',
    `#!lua name=rolib\nredis.register_function('rof', function() return {pcall(function() ${body} end)} end)`,
  ],
  ['FCALL', 'rof', '0'],
  evalStep(INTACT, ['k']),
]

/**
 * Redis 7.0's read-only tables (`lua_enablereadonlytable` on the globals and, recursively,
 * the libraries): an assignment raises "Attempt to modify a readonly table" with the
 * script's position, `rawset`, `setmetatable` and `table.insert` without one (C), whether
 * the name exists or not; pcall catches it, and the next script sees everything unchanged.
 */
export const READONLY_TABLE_CASES: CorpusCase[] = [
  ...WRITES.map((w) => cmds(`read-only globals: ${w}`, ...steps(w))),
  ...NO_WRITES.map((w) => cmds(`read-only globals, no write: ${w}`, ...steps(w))),
  ...['_G.KEYS = 1', '_G.redis = nil', 'table.insert(_G, 1)', "rawset(_G, 'k')"].map((w) =>
    cmds(`read-only globals in a function: ${w}`, ...fcall(w)),
  ),
  cmds(
    'read-only globals of a script that is not UTF-8',
    ['EVAL', bytes('return {pcall(function() _G.KEYS = 1 end), "\xff"}'), '0'],
    ['EVAL', bytes('_G.ARGV = nil return "\xfe"'), '0'],
    evalStep(INTACT, ['k']),
  ),
]
