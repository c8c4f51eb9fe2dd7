import type { CorpusCase } from '../differential.js'
import { script } from './helpers.js'

const DRAW = 'return {math.random(1000000), math.random(1000000), tostring(math.random()), math.random(-3, 3)}'

/**
 * `math.random`/`math.randomseed` as Redis 7.0's (rand48, one state per server, not reseeded
 * per script): both sides run the same cases in the same order, so their states stay equal.
 */
export const RANDOM_CASES: CorpusCase[] = [
  script('math.random from the starting state', DRAW),
  script('math.random continues where the last script left it', DRAW),
  script('math.randomseed', `math.randomseed(7) ${DRAW.replace('return', 'local a =')} return {a[1], a[2], a[3], a[4], math.random(10)}`),
  script('math.random after a seeded script', DRAW),
  script(
    'math.randomseed negative and beyond 32 bits',
    'math.randomseed(-5) local a = math.random(99) math.randomseed(2^31 + 5) return {a, math.random(99)}',
  ),
  script('math.randomseed with a string', "math.randomseed('12') return math.random(1000)"),
  script('math.random argument forms', "return {math.random(3.7), math.random(5, 5), math.random('2', '4'), math.random(-2.5)}"),
  script('math.random empty interval', 'return math.random(0)'),
  script('math.random empty interval of two', 'return math.random(3, 1)'),
  script('math.random bad argument', "return math.random('x')"),
  script('math.random nil argument', 'return math.random(nil)'),
  script('math.random three arguments', 'return math.random(1, 2, 3)'),
  script('math.randomseed no argument', 'math.randomseed() return 1'),
  script('math.randomseed bad argument', 'math.randomseed({}) return 1'),
  script('math.random in a tail call', 'return math.random(0)'),
  script('math.random after errors', DRAW),
]
