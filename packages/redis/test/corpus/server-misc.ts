import type { CorpusCase, Normal } from '../differential.js'
import { cmds, evalStep } from './helpers.js'

/** A LASTSAVE reply as what both sides share: an integer of seconds within a day of now. */
function recentSeconds(x: Normal): Normal {
  return typeof x === 'number' && Math.abs(x - Date.now() / 1000) < 86_400 ? 'recent seconds' : x
}

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
  summarised(cmds('lastsave answers the start in seconds', 'LASTSAVE', evalStep("return redis.call('LASTSAVE')"), 'LASTSAVE x'), {
    0: recentSeconds,
    1: recentSeconds,
  }),
  cmds(
    'lolwut answers the version line for any version but 5 and 6',
    'LOLWUT',
    'LOLWUT VERSION 7',
    'LOLWUT version 7 1 2 3',
    'LOLWUT VERSION -1',
    'LOLWUT VERSION 50',
    'LOLWUT VERSION 4294967303',
    'LOLWUT VERSION x',
    'LOLWUT VERSION 99999999999999999999',
    'LOLWUT VERSION',
    'LOLWUT foo bar',
    ['LOLWUT', 'version\u0000x', '7'],
    evalStep("return redis.call('LOLWUT')"),
    ['EVAL_RO', "return redis.call('LOLWUT', 'VERSION', '8')", '0'],
  ),
  cmds('pfselftest answers OK', 'PFSELFTEST', 'PFSELFTEST x', evalStep("return redis.call('PFSELFTEST')")),
  cmds(
    'memory usage of a missing key and its options',
    'MEMORY USAGE nokey',
    'MEMORY USAGE nokey SAMPLES 5',
    'MEMORY USAGE nokey SAMPLES 0',
    'MEMORY USAGE nokey SAMPLES -1',
    'MEMORY USAGE nokey SAMPLES x',
    'MEMORY USAGE nokey SAMPLES',
    'MEMORY USAGE nokey FOO 1',
    'MEMORY usage',
    'SET k v',
    'PEXPIRE k 1',
    evalStep("return redis.call('MEMORY', 'USAGE', 'nokey')"),
    ['EVAL_RO', "return redis.call('MEMORY', 'USAGE', 'nokey', 'SAMPLES', '3')", '0'],
  ),
  cmds(
    'pfdebug encoding, decode, todense and getreg',
    'PFDEBUG ENCODING h',
    'PFADD h a b c',
    'PFDEBUG ENCODING h',
    'PFDEBUG DECODE h',
    'PFDEBUG foo h',
    ['PFDEBUG', 'bar\u0000baz', 'h'],
    ['PFDEBUG', 'a\r\nb', 'h'],
    'PFDEBUG TODENSE h',
    'PFDEBUG ENCODING h',
    'PFDEBUG TODENSE h',
    'PFDEBUG DECODE h',
    'PFCOUNT h',
    'GET h',
    'PFADD e',
    'PFDEBUG DECODE e',
    'PFDEBUG getreg e',
    'PFDEBUG Encoding e',
    'GET e',
    'PFDEBUG ENCODING',
    'PFDEBUG ENCODING h x',
  ),
  cmds(
    'pfdebug checks the key, then holds it raw whatever the subcommand',
    'SET s abc',
    'PFDEBUG ENCODING s',
    'LPUSH l a',
    'PFDEBUG ENCODING l',
    'PFADD h x',
    'SET h2 xx',
    evalStep("redis.call('SET', 'h2', redis.call('GET', 'h')) return redis.call('OBJECT', 'ENCODING', 'h2')"),
    'PFDEBUG nope h2',
    'OBJECT ENCODING h2',
    'PFDEBUG foo nokey',
    ['SET', 'bad', { hex: '48594c4c01000000000000000000000080' }],
    'PFDEBUG DECODE bad',
    'PFDEBUG TODENSE bad',
    'PFDEBUG GETREG bad',
    'PFDEBUG ENCODING bad',
  ),
  cmds(
    'pfdebug from scripts: a write command',
    'PFADD h a',
    evalStep("return redis.call('PFDEBUG', 'ENCODING', 'h')"),
    evalStep("return redis.call('PFDEBUG', 'TODENSE', 'h')"),
    ['EVAL_RO', "return redis.pcall('PFDEBUG', 'ENCODING', 'h')", '0'],
    evalStep("return #redis.call('PFDEBUG', 'GETREG', 'h')"),
  ),
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

/** Replies whose order follows Redis's hash table: compared sorted (COMMAND, COMMAND LIST, COMMAND INFO alone). */
function sortedNames(x: Normal): Normal {
  return Array.isArray(x) ? [...x].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)) : x
}

/** COMMAND INFO entries with their subcommands (entry 10, in Redis's hash order) sorted; a list of entries sorted too when `all`. */
function sortedEntries(all: boolean): (x: Normal) => Normal {
  const entry = (e: Normal): Normal => (Array.isArray(e) && e.length === 10 ? [...e.slice(0, 9), sortedNames(e[9] as Normal)] : e)
  return (x) => (Array.isArray(x) ? (all ? sortedNames(x.map(entry)) : x.map(entry)) : x)
}

/** COMMAND and its INFO, COUNT and LIST subcommands, from a connection and from scripts. */
export const COMMAND_TABLE_CASES: CorpusCase[] = [
  summarised(cmds('command alone and command info alone list the whole table', 'COMMAND', 'COMMAND INFO', 'COMMAND COUNT'), {
    0: sortedEntries(true),
    1: sortedEntries(true),
  }),
  summarised(
    cmds(
      'command info by name, subcommands as container|sub',
      'COMMAND INFO get',
      'COMMAND INFO GET set nope EVAL',
      'COMMAND INFO config|get CONFIG|SET config|nope get|x config|get|x | config| memory|usage',
      'COMMAND INFO xgroup sort georadius pfdebug lastsave lolwut memory',
      ['COMMAND', 'INFO', 'get\u0000x', ''],
      evalStep("return redis.call('COMMAND', 'INFO', 'zadd', 'nope')"),
      evalStep("return redis.call('COMMAND', 'COUNT')"),
      ['EVAL_RO', "return redis.call('COMMAND', 'INFO', 'client|list')", '0'],
    ),
    Object.fromEntries([0, 1, 2, 3, 4, 5, 7].map((i) => [i, sortedEntries(false)])),
  ),
  summarised(
    cmds(
      'command list and its filters',
      'COMMAND LIST',
      'COMMAND LIST FILTERBY PATTERN x*',
      'COMMAND LIST filterby pattern CONFIG*',
      'COMMAND LIST FILTERBY PATTERN *|h[a-f]lp',
      'COMMAND LIST FILTERBY ACLCAT hyperloglog',
      'COMMAND LIST FILTERBY ACLCAT Scripting',
      'COMMAND LIST FILTERBY ACLCAT nope',
      'COMMAND LIST FILTERBY MODULE foo',
      'COMMAND LIST FILTERBY foo x',
      'COMMAND LIST FILTERBY',
      'COMMAND LIST x',
      'COMMAND LIST FILTERBY PATTERN x y',
      evalStep("return redis.call('COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'pf*')"),
    ),
    Object.fromEntries([0, 1, 2, 3, 4, 5, 12].map((i) => [i, sortedNames])),
  ),
]
