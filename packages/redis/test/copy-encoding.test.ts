import { cmds } from './corpus/helpers.js'
import { describeCases } from './corpus-runner.js'

const BIG = Array.from({ length: 200 }, (_, i) => `${i + 1} m${String(i).padStart(3, '0')}`).join(' ')

/**
 * COPY duplicates a sorted set as Redis 7.0's zsetDup does: with its encoding, so a -0 score
 * of a skiplist (a big set, or one that was big once: Redis never converts back) stays -0 in
 * the copy, and a listpack's 0 stays 0.
 */
describeCases('COPY of a sorted set keeps its encoding and exact scores', [
  cmds(
    'a big set with a -0 score',
    `ZADD k ${BIG}`,
    'ZADD k -0 neg',
    'COPY k c',
    'ZSCORE k neg',
    'ZSCORE c neg',
    'ZRANGE c 0 2 WITHSCORES',
  ),
  cmds(
    'a small set that was a skiplist',
    `ZADD k -0 ${'x'.repeat(70)}`,
    'ZADD k -0 m1',
    'ZPOPMAX k',
    'COPY k c',
    'ZSCORE c m1',
    'ZADD c -0 m2',
    'ZRANGE c 0 -1 WITHSCORES',
  ),
  cmds('a listpack set', 'ZADD k -0 a 1 b', 'COPY k c', 'ZSCORE c a', 'ZADD c -0 z', 'ZRANGE c 0 -1 WITHSCORES'),
  cmds(
    'a copy is a set of its own',
    `ZADD k ${BIG}`,
    'COPY k c',
    'ZADD c 5 m000',
    'ZREM c m001',
    'ZRANGE k 0 2 WITHSCORES',
    'ZRANGE c 0 2 WITHSCORES',
    'ZCARD k',
    'ZCARD c',
  ),
])
