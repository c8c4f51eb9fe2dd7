import type { CorpusCase } from '../differential.js'
import { cmds, evalStep, type Step } from './helpers.js'

/** SORT and SORT_RO: orders, options, patterns, STORE and errors, as redis-server 7.0 gives them. */
export const SORT_CASES: CorpusCase[] = [
  cmds(
    'sort numbers',
    'RPUSH l 3 1 2 10 -1 1.5 0x10 inf -inf 1e3',
    'SORT l',
    'SORT l DESC',
    'SORT l ASC',
    'SORT l LIMIT 0 3',
    'SORT l LIMIT 2 3 DESC',
    'SORT l LIMIT -5 2',
    'SORT l LIMIT 8 100',
    'SORT l LIMIT 100 1',
    'SORT l LIMIT 0 0',
    'SORT l LIMIT 0 -1',
    'SORT l LIMIT 3 -7',
    'SORT l LIMIT 9223372036854775807 9223372036854775807',
    'SORT l limit 1 2 desc limit 0 1',
    'SORT l ALPHA',
    'SORT l ALPHA DESC',
    'SORT missing',
    'SORT missing STORE d',
    'RPUSH eq 1 01 1.0 +1 " 1" 1 001',
    'SORT eq',
    'SORT eq DESC',
    'SADD s 5 3 9 1',
    'SORT s',
    'SORT s DESC LIMIT 1 2',
    'ZADD z 1 30 2 20 3 10',
    'SORT z',
    'SORT z DESC',
    'SORT z ALPHA',
  ),
  cmds(
    'sort score errors',
    'RPUSH l 1 x 2',
    'SORT l',
    'SORT l LIMIT 0 1',
    'SORT l STORE d',
    'EXISTS d',
    'SORT l ALPHA',
    'RPUSH e 1 ""',
    'SORT e',
    'RPUSH sp " 1" "1 " 2',
    'SORT sp',
    'RPUSH nan nan',
    'SORT nan',
    'RPUSH hex 0x1p3 0X10 .5 5. 1e308 -2.2250738585072014e-308',
    'SORT hex',
    // range errors last: Redis does not clear errno before strtod, so after one its next SORTs may fail too
    'RPUSH big 1e400',
    'SORT big',
    'RPUSH tiny 1e-400',
    'SORT tiny',
    'RPUSH sub 4.9e-324',
    'SORT sub',
  ),
  cmds(
    'sort by and get',
    'RPUSH l a b c d',
    'MSET w_a 3 w_b 1 w_c 2 o_a x o_b y o_c z',
    'HSET h_a f 30 g q',
    'HSET h_b f 10',
    'HSET h_c f 20 g r',
    'SORT l BY w_*',
    'SORT l BY w_* DESC',
    'SORT l BY w_* GET o_*',
    'SORT l BY w_* GET # GET o_* GET h_*->g',
    'SORT l BY h_*->f',
    'SORT l BY h_*->f GET h_*->f GET h_*->missing GET h_*-> GET o_*->f',
    'SORT l BY w_* ALPHA',
    'SORT l BY o_* ALPHA DESC',
    'SORT l BY o_* ALPHA LIMIT 1 2',
    'SORT l BY w_* LIMIT 1 2',
    'SORT l BY nosort',
    'SORT l BY nosort DESC',
    'SORT l BY nosort LIMIT 1 2',
    'SORT l BY nosort DESC LIMIT 1 2',
    'SORT l BY nosort GET o_*',
    'SORT l BY w_*x',
    'SORT l GET nostar',
    'SORT l GET # GET #',
    'SORT l ALPHA GET o_*',
    'ZADD z 1 c 2 a 3 b',
    'SORT z BY nosort',
    'SORT z BY nosort DESC LIMIT 0 2',
    'SORT z BY w_*',
    'SADD s 3 1 2',
    'SORT s BY nosort',
    'SORT s BY w_* GET #',
    'LPUSH wl x',
    'SORT l BY wl',
    'SET w_d notanumber',
    'SORT l BY w_*',
    'HSET h_d f nope',
    'SORT l BY h_*->f',
  ),
  cmds(
    'sort store',
    'RPUSH l 3 1 2',
    'MSET o_1 x o_3 z',
    'SORT l STORE d',
    'LRANGE d 0 -1',
    'TYPE d',
    'OBJECT ENCODING d',
    'SORT l GET o_* GET # STORE d',
    'LRANGE d 0 -1',
    'SET d2 v EX 100',
    'SORT l DESC STORE d2',
    'TTL d2',
    'LRANGE d2 0 -1',
    'SORT l LIMIT 5 5 STORE d2',
    'EXISTS d2',
    'SORT missing STORE d',
    'EXISTS d',
    'SADD s b a c',
    'SORT s BY nosort STORE d',
    'LRANGE d 0 -1',
    'SORT l STORE d STORE e',
    'LRANGE e 0 -1',
    'EXISTS d',
  ),
  cmds(
    'sort errors',
    'RPUSH l 1 2',
    'SET str x',
    'HSET h f v',
    'SORT str',
    'SORT h',
    'SORT str LIMIT x 1',
    'SORT l LIMIT x 1',
    'SORT l LIMIT 0 x',
    'SORT l LIMIT 0',
    'SORT l BY',
    'SORT l GET',
    'SORT l STORE',
    'SORT l FOO',
    'SORT l LIMIT 0 9223372036854775808',
    'SORT_RO l STORE d',
    'SORT_RO l',
    'SORT_RO l DESC LIMIT 0 1 GET #',
    'SORT_RO str',
    'SORT_RO l FOO',
    'SORT',
  ),
  cmds(
    'sort from scripts',
    'SADD s c a b 10 2',
    'SADD i 3 1 2',
    'RPUSH l c a b',
    'MSET w_a 2 w_b 1 w_c 3',
    evalStep("return redis.call('SORT', KEYS[1], 'BY', 'nosort')", ['s']),
    evalStep("return redis.call('SORT', KEYS[1], 'BY', 'nosort', 'DESC')", ['s']),
    evalStep("return redis.call('SORT', KEYS[1], 'BY', 'nosort', 'LIMIT', 1, 2)", ['s']),
    evalStep("return redis.call('SORT', KEYS[1], 'BY', 'nosort', 'GET', 'w_*')", ['s']),
    evalStep("return redis.call('SORT', KEYS[1], 'BY', 'nosort')", ['i']),
    evalStep("return redis.call('SORT', KEYS[1], 'BY', 'nosort')", ['l']),
    evalStep("return redis.call('SORT_RO', KEYS[1], 'BY', 'w_*')", ['l']),
    evalStep("return redis.call('SORT', KEYS[1], 'ALPHA', 'STORE', 'd')", ['l']),
    evalStep("return redis.pcall('SORT', KEYS[1])", ['l']),
    ['EVAL_RO', "return redis.call('SORT', KEYS[1], 'ALPHA')", '1', 'l'],
    ['EVAL_RO', "return redis.call('SORT_RO', KEYS[1], 'ALPHA', 'DESC')", '1', 'l'],
    ['EVAL_RO', "return redis.call('SORT_RO', KEYS[1], 'BY', 'nosort')", '1', 's'],
  ),
  cmds(
    'sort converts a sorted set to a skiplist',
    'ZADD z 1 a 2 b',
    'OBJECT ENCODING z',
    'SORT z',
    'OBJECT ENCODING z',
    'ZADD z -0 c',
    'ZSCORE z c',
    'DUMP z',
    'ZADD r 1 a',
    'SORT_RO r BY nosort',
    'OBJECT ENCODING r',
    'ZADD e 1 a',
    'SORT e LIMIT 0 x',
    'SORT e BADOPT',
    'OBJECT ENCODING e',
    'ZADD e -0 b',
    'ZSCORE e b',
    'ZADD s 1 a',
    'SORT s ALPHA STORE d',
    'OBJECT ENCODING s',
    'ZADD w 1 a',
    'SET w_a x',
    'SORT w BY w_*',
    'OBJECT ENCODING w',
    'ZREM z a b c',
    'ZADD z 1 a',
    'OBJECT ENCODING z',
  ),
]

/**
 * Seeded random SORTs of a list, a set of integers and a sorted set, with numeric and ALPHA
 * orders, BY string and hash patterns, GET, LIMIT, DESC and STORE. `ties`: BY values that
 * repeat under ALPHA, whose order is the sort algorithm's (pqsort.ts with a LIMIT).
 */
export function randomSortCases(seed: number, steps: number, ties = false): CorpusCase {
  let state = seed >>> 0
  const next = (n: number): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state % n
  }
  const pick = <T>(xs: readonly T[]): T => xs[next(xs.length)] as T
  const word = (): string => pick(['a', 'b', 'ab', 'B', '10', '9', '-1', '1.5', 'zz', 'a1', '0x1', ''])
  const elements = Array.from({ length: 4 + next(20) }, (_, i) => String(next(2) ? i : next(50) - 25))
  const run: Step[] = [
    ['RPUSH', 'l', ...elements],
    ['SADD', 'i', ...elements],
    ['RPUSH', 'w', ...Array.from({ length: 8 + next(90) }, word)],
  ]
  run.push(['ZADD', 'z', ...elements.flatMap((e, i) => [String(next(5)), `${e}:${i}`])])
  for (const e of [...elements, ...elements.map((e, i) => `${e}:${i}`)]) {
    if (next(4)) run.push(['SET', `n_${e}`, ties ? word() : String(next(1000) - 500)])
    if (next(3)) run.push(['HSET', `h_${e}`, 'f', String(next(100)), 'g', word()])
  }
  for (let i = 0; i < steps; i++) {
    // a set's or sorted set's input order is Redis's hash table's, so ties are tried on lists and an intset
    const key = ties ? pick(['l', 'w', 'i']) : pick(['l', 'i', 'z', 'w'])
    const opts: string[] = []
    for (let n = next(5); n > 0; n--) {
      opts.push(
        ...pick([
          ['ALPHA'],
          ['DESC'],
          ['ASC'],
          ['LIMIT', String(next(12) - 2), String(next(12) - 2)],
          ['BY', pick(['n_*', 'h_*->f', 'h_*->g', 'nosort', 'x_*'])],
          ['GET', pick(['#', 'n_*', 'h_*->g', 'h_*->'])],
        ]),
      )
    }
    // ALPHA BY: equal BY values keep an order of Redis's own (see ties above)
    if (!ties && opts.includes('ALPHA') && opts.some((o, j) => opts[j - 1] === 'BY' && o.includes('*'))) continue
    run.push(['SORT', key, ...opts, ...(next(6) === 0 ? ['STORE', 'd'] : [])])
    if (run[run.length - 1]?.includes('STORE')) run.push('LRANGE d 0 -1')
  }
  return cmds(`random sorts (seed ${seed}${ties ? ', ties' : ''})`, ...run)
}
