import type { CorpusCase, Normal } from '../differential.js'
import { cmds } from './helpers.js'

/** INFO's text with `avg_ttl` (Redis's sampled running estimate, a documented deviation) left out. */
function withoutAvgTtl(x: Normal): Normal {
  return typeof x === 'string' ? x.replace(/,avg_ttl=\d+/g, '') : x
}

/** A case with a summary for some of its steps, by index. */
function summarised(c: CorpusCase, at: Record<number, (x: Normal) => Normal>): CorpusCase {
  return { ...c, summaries: c.run.map((_, i) => at[i]) }
}

/**
 * LASTSAVE, LOLWUT, PFSELFTEST, MEMORY USAGE, PFDEBUG and INFO keyspace's `expires=`, from a
 * connection and from scripts, against redis-server 7.0.15.
 */
export const SERVER_MISC_CASES: CorpusCase[] = [
  summarised(
    cmds(
      'info keyspace counts the keys with an expiry',
      'SET a 1',
      'SET b 2 EX 1000',
      'HSET h f v',
      'PEXPIRE h 100000',
      'INFO keyspace',
      'PERSIST b',
      'INFO keyspace',
      'SELECT 3',
      'SET c 1 PX 500000',
      'INFO KEYSPACE',
      'SELECT 0',
    ),
    { 4: withoutAvgTtl, 6: withoutAvgTtl, 9: withoutAvgTtl },
  ),
]
