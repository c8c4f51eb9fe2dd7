import { keyOf, option, parseBigInt } from '../store/args.js'
import type { Keyspace } from '../store/keyspace.js'
import { ERR, fail, OK, type Reply } from '../store/replies.js'
import { arg, commands } from './command.js'

/**
 * Server commands a script or client may send that need no server state beyond the store:
 * LASTSAVE, LOLWUT, PFSELFTEST and MEMORY, as Redis 7.0.15 answers them where its answer
 * does not depend on its process (allocator, random art), an explicit error where it does.
 */
export const SERVER_COMMANDS = commands([
  // nothing is ever saved: the time of the store's start, as a server that never saved answers
  ['lastsave', 1, 'r', (ks) => Math.floor((ks.databases[0] ?? ks).startedAt / 1000)],
  ['lolwut', -1, 'r', lolwut],
  // Redis's self-test of its HLL register and estimator code answers OK when it passes
  ['pfselftest', 1, 'r', () => OK],
  ['memory', -2, 'r', memory],
])

/** What LOLWUT answers for any version but 5 and 6: redis-server's `lolwutUnstableCommand`. */
export const LOLWUT_TEXT = 'Redis ver. 7.0.15\n'

// --- internal ---

/**
 * Redis's `lolwutCommand`: `VERSION n` read as a C `long`, printed `%u.0.0` (so `n` modulo
 * 2^32); 5 and 6 draw Redis 5's and 6's art from `rand()`, which cannot be matched, and
 * answer an explicit error; any other version, and no version, the version line.
 */
function lolwut(_ks: Keyspace, a: Buffer[]): Reply {
  if (a.length >= 2 && option(arg(a, 0)) === 'VERSION') {
    const v = BigInt.asUintN(32, parseBigInt(arg(a, 1)))
    if (v === 5n || v === 6n) fail(`ERR LOLWUT VERSION ${v} is not supported: its art is drawn at random`)
  }
  return Buffer.from(LOLWUT_TEXT)
}

/**
 * MEMORY after the command table's checks (known subcommand, arity; HELP answered before).
 * USAGE reads its SAMPLES options as Redis does and answers nil for a missing key; for a key
 * that exists Redis's figure is its allocator's size classes summed over the value's internal
 * encoding (`objectComputeSize`, `zmalloc_size`), which the store does not hold: an explicit
 * error, never a made-up number. STATS, DOCTOR, MALLOC-STATS and PURGE report on the Redis
 * process: an explicit error too.
 */
function memory(ks: Keyspace, a: Buffer[]): Reply {
  const sub = option(arg(a, 0))
  if (sub !== 'USAGE') fail(`ERR MEMORY ${sub} is not supported`)
  for (let j = 2; j < a.length; j++) {
    if (option(arg(a, j)) !== 'SAMPLES' || j + 1 >= a.length) fail(ERR.syntax)
    if (parseBigInt(arg(a, ++j)) < 0n) fail(ERR.syntax)
  }
  if (ks.peek(keyOf(arg(a, 1))) === undefined) return null
  fail("ERR MEMORY USAGE is not supported: Redis's figure depends on its memory allocator")
}
