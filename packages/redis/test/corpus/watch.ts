import type { CorpusCase } from '../differential.js'
import { cmds, evalStep, type Step } from './helpers.js'

/**
 * WATCH on one connection: its own writes, a script's writes and expiry changes abort EXEC
 * (nil); reads, writes of other keys and writes that change nothing (Redis signals no
 * modification for them) do not; EXEC, DISCARD and UNWATCH forget the watched keys.
 */
type Probe = readonly [name: string, setup: readonly Step[], write: Step]

const FAR = '9999999999999'
const FAR_S = '9999999999'

/**
 * Writes after which key `k` ends as it was but Redis 7.0 calls `signalModifiedKey` all the
 * same (LTRIM, the expiry commands and LMOVE signal unconditionally once they act).
 */
const SIGNALLED_UNCHANGED: readonly Probe[] = [
  ['ltrim keeping every element', ['RPUSH k a b'], 'LTRIM k 0 -1'],
  ['ltrim past the end', ['RPUSH k a b'], 'LTRIM k 0 100'],
  ['ltrim from a script', ['RPUSH k a b'], evalStep("return redis.call('LTRIM', KEYS[1], 0, -1)", ['k'])],
  ['pexpireat of the deadline the key has', [`SET k v PXAT ${FAR}`], `PEXPIREAT k ${FAR}`],
  ['expireat of the deadline the key has', [`SET k v EXAT ${FAR_S}`], `EXPIREAT k ${FAR_S}`],
  ['getex pxat of the deadline the key has', [`SET k v PXAT ${FAR}`], `GETEX k PXAT ${FAR}`],
  ['getex exat from a script', [`SET k v EXAT ${FAR_S}`], evalStep(`return redis.call('GETEX', KEYS[1], 'EXAT', '${FAR_S}')`, ['k'])],
  ['expire in the same ms as set ex', ['SET k v EX 100'], 'EXPIRE k 100'],
  ['pexpireat from a script', [`SET k v PXAT ${FAR}`], evalStep(`return redis.call('PEXPIREAT', KEYS[1], '${FAR}')`, ['k'])],
  ['lmove of a list onto itself', ['RPUSH k a b'], 'LMOVE k k RIGHT RIGHT'],
  ['rpoplpush of a one-element list onto itself', ['RPUSH k a'], 'RPOPLPUSH k k'],
  ['append of nothing', ['SET k v'], ['APPEND', 'k', '']],
  ['setrange of the same bytes', ['SET k v'], 'SETRANGE k 0 v'],
  ['incrby 0', ['SET k 1'], 'INCRBY k 0'],
  ['hincrby 0', ['HSET k f 1'], 'HINCRBY k f 0'],
  ['hset of the value the field has', ['HSET k f v'], 'HSET k f v'],
  ['copy of the same value', ['SET k v', 'SET s v'], 'COPY s k REPLACE'],
]

/** Writes that leave `k` as it was and that Redis 7.0 returns from without signalling it. */
const NOT_SIGNALLED: readonly Probe[] = [
  ['ltrim of a missing key', [], 'LTRIM k 0 -1'],
  ['ltrim of another type', ['SET k v'], 'LTRIM k 0 -1'],
  ['expire nx of a key with a deadline', [`SET k v PXAT ${FAR}`], 'EXPIRE k 100 NX'],
  ['expire gt of an earlier deadline', [`SET k v PXAT ${FAR}`], 'EXPIRE k 100 GT'],
  ['expire of a missing key', [], 'EXPIRE k 100'],
  ['expire with a bad time', ['SET k v'], 'EXPIRE k x'],
  ['getex without options', ['SET k v EX 100'], 'GETEX k'],
  ['getex persist of a persistent key', ['SET k v'], 'GETEX k PERSIST'],
  ['persist of a persistent key', ['SET k v'], 'PERSIST k'],
  ['lmove from a missing list', [], 'LMOVE missing k LEFT LEFT'],
  ['rename of a key onto itself', ['SET k v'], 'RENAME k k'],
  ['setrange of nothing', ['SET k v'], ['SETRANGE', 'k', '0', '']],
  ['zincrby 0', ['ZADD k 1 m'], 'ZINCRBY k 0 m'],
  ['zadd gt of a lower score', ['ZADD k 2 m'], 'ZADD k GT 1 m'],
  ['zremrangebyscore removing nothing', ['ZADD k 2 m'], 'ZREMRANGEBYSCORE k 5 6'],
  ['zpopmin 0', ['ZADD k 2 m'], 'ZPOPMIN k 0'],
  ['lpop 0', ['RPUSH k a'], 'LPOP k 0'],
  ['lrem of a missing element', ['RPUSH k a'], 'LREM k 0 z'],
  ['linsert at a missing pivot', ['RPUSH k a'], 'LINSERT k BEFORE z b'],
  ['smove of a set onto itself', ['SADD k a'], 'SMOVE k k a'],
  ['smove of a member the destination has', ['SADD k a', 'SADD s a'], 'SMOVE s k a'],
  ['hsetnx of a present field', ['HSET k f v'], 'HSETNX k f w'],
  ['set nx of a present key', ['SET k v'], 'SET k w NX'],
  ['msetnx that sets nothing', ['SET k v'], 'MSETNX k w'],
  ['xtrim removing nothing', ['XADD k 1-1 f v'], 'XTRIM k MAXLEN 5'],
  ['xdel of a missing id', ['XADD k 1-1 f v'], 'XDEL k 2-2'],
  ['sinterstore of nothing into a missing key', [], 'SINTERSTORE k nope'],
  // Redis creates or zero-pads the key (lookupStringForBitCommand) and signals nothing when every write fails
  ['bitfield overflow fail creating the key', [], 'BITFIELD k OVERFLOW FAIL INCRBY u2 0 100'],
  ['bitfield overflow fail growing the key', ['SET k a'], 'BITFIELD k OVERFLOW FAIL INCRBY u2 100 100'],
  [
    'bitfield overflow fail from a script',
    [],
    evalStep("return redis.call('BITFIELD', KEYS[1], 'OVERFLOW', 'FAIL', 'SET', 'u2', 90, 9)", ['k']),
  ],
  ['setbit of the bit a value written in place has', ['SETBIT k 9000 1', 'SETBIT k 3 1'], 'SETBIT k 3 1'],
]

export const WATCH_CASES: CorpusCase[] = [
  cmds('watch: own write aborts', 'SET k 1', 'WATCH k', 'SET k 2', 'MULTI', 'GET k', 'EXEC', 'GET k'),
  cmds(
    'watch: a script write aborts',
    'SET k 1',
    'WATCH k',
    evalStep("return redis.call('SET', KEYS[1], 'x')", ['k']),
    'MULTI',
    'INCR n',
    'EXEC',
    'GET n',
  ),
  cmds('watch: reads and other keys do not abort', 'SET k 1', 'WATCH k', 'GET k', 'SET other 1', 'DEL missing', 'MULTI', 'GET k', 'EXEC'),
  cmds('watch: the same value written again aborts', 'SET k 1', 'WATCH k', 'SET k 1', 'MULTI', 'GET k', 'EXEC'),
  cmds('watch: a hash field written with its value aborts', 'HSET h f v', 'WATCH h', 'HSET h f v', 'MULTI', 'HGET h f', 'EXEC'),
  cmds('watch: lset with the same value aborts', 'RPUSH l a b', 'WATCH l', 'LSET l 0 a', 'MULTI', 'LLEN l', 'EXEC'),
  cmds(
    'watch: writes that change nothing do not abort',
    'SADD s a',
    'ZADD z 1 m',
    'HSET h f v',
    'WATCH s z h',
    'SADD s a',
    'SREM s b',
    'ZADD z 1 m',
    'ZREM z nope',
    'HDEL h nope',
    'PERSIST s',
    'MULTI',
    'SCARD s',
    'EXEC',
  ),
  cmds('watch: in-place list pop aborts', 'RPUSH l a b', 'WATCH l', 'LPOP l', 'MULTI', 'LLEN l', 'EXEC'),
  cmds('watch: a created key aborts', 'WATCH k', 'LPUSH k a', 'MULTI', 'LLEN k', 'EXEC'),
  cmds('watch: a deleted key aborts', 'SET k 1', 'WATCH k', 'DEL k', 'MULTI', 'EXISTS k', 'EXEC'),
  cmds('watch: an expiry set aborts', 'SET k 1', 'WATCH k', 'EXPIRE k 100', 'MULTI', 'GET k', 'EXEC'),
  cmds('watch: flushall aborts for a key that existed', 'SET k 1', 'WATCH k', 'FLUSHALL', 'MULTI', 'GET k', 'EXEC'),
  cmds('watch: flushall keeps a missing key unchanged', 'SET x 1', 'WATCH k', 'FLUSHALL', 'MULTI', 'GET k', 'EXEC'),
  cmds('watch: a change after MULTI is queued, not applied', 'SET k 1', 'WATCH k', 'MULTI', 'SET k 2', 'EXEC', 'GET k'),
  cmds('watch: exec forgets the watched keys', 'WATCH k', 'SET k 1', 'MULTI', 'EXEC', 'SET k 2', 'MULTI', 'GET k', 'EXEC'),
  cmds('watch: discard forgets the watched keys', 'WATCH k', 'SET k 1', 'MULTI', 'DISCARD', 'SET k 2', 'MULTI', 'GET k', 'EXEC'),
  cmds('watch: unwatch forgets the watched keys', 'WATCH k', 'SET k 1', 'UNWATCH', 'MULTI', 'GET k', 'EXEC'),
  cmds('watch: a rename into the key aborts', 'SET a 1', 'SET k 2', 'WATCH k', 'RENAME a k', 'MULTI', 'GET k', 'EXEC'),
  cmds('watch: an aborted exec after a queueing error', 'WATCH k', 'SET k 1', 'MULTI', 'NOSUCH', 'EXEC', 'MULTI', 'GET k', 'EXEC'),
  // arity is checked first (processCommand): inside MULTI the error marks the transaction
  cmds('watch: arity errors', 'WATCH', 'UNWATCH x', 'SET k 1', 'MULTI', 'GET k', 'EXEC'),
  cmds('watch: watch without a key inside multi aborts exec', 'MULTI', 'WATCH', 'SET k 1', 'EXEC', 'GET k'),
  cmds('watch: watch inside multi does not abort exec', 'MULTI', 'WATCH k', 'SET k 1', 'EXEC', 'GET k'),
  cmds('watch: unwatch with arguments inside multi aborts exec', 'MULTI', 'UNWATCH x', 'SET k 1', 'EXEC', 'GET k'),
  cmds('watch: multi with arguments inside multi aborts exec', 'MULTI', 'MULTI x', 'MULTI', 'SET k 1', 'EXEC', 'GET k'),
  cmds('watch: discard with arguments', 'DISCARD x', 'MULTI', 'DISCARD x', 'SET k 1', 'EXEC', 'GET k'),
  cmds('watch: exec with arguments discards the transaction', 'MULTI', 'SET k 1', 'EXEC x', 'EXEC', 'GET k', 'EXEC x'),
  cmds('watch: exec with arguments forgets the watched keys', 'WATCH k', 'SET k 1', 'EXEC x', 'MULTI', 'GET k', 'EXEC'),
  cmds('watch: client without subcommand inside multi aborts exec', 'MULTI', 'CLIENT', 'SET k 1', 'EXEC', 'GET k'),
  cmds('watch: setbit in place aborts', 'SETBIT k 9000 1', 'SETBIT k 3 1', 'WATCH k', 'SETBIT k 5 1', 'MULTI', 'GETBIT k 5', 'EXEC'),
  cmds('watch: bitfield in place aborts', 'SETBIT k 9000 1', 'WATCH k', 'BITFIELD k INCRBY u8 0 1', 'MULTI', 'PING', 'EXEC'),
  cmds('watch: setrange in place aborts', 'SETRANGE k 9000 x', 'SETRANGE k 1 y', 'WATCH k', 'SETRANGE k 1 z', 'MULTI', 'PING', 'EXEC'),
  cmds(
    'watch: a key bitfield made unsignalled is watched as it is after',
    'WATCH k',
    'BITFIELD k OVERFLOW FAIL INCRBY u2 0 100',
    'BITFIELD k OVERFLOW FAIL INCRBY u2 100 100',
    'MULTI',
    'STRLEN k',
    'EXEC',
    'WATCH k',
    'BITFIELD k OVERFLOW FAIL INCRBY u2 200 100',
    'SETBIT k 1 1',
    'MULTI',
    'STRLEN k',
    'EXEC',
  ),
  ...SIGNALLED_UNCHANGED.map(([name, setup, write]) =>
    cmds(`watch: ${name} (signalled, nothing changed) aborts`, ...setup, 'WATCH k', write, 'MULTI', 'PING', 'EXEC'),
  ),
  ...NOT_SIGNALLED.map(([name, setup, write]) =>
    cmds(`watch: ${name} (not signalled) does not abort`, ...setup, 'WATCH k', write, 'MULTI', 'PING', 'EXEC'),
  ),
]
