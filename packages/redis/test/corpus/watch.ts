import type { CorpusCase } from '../differential.js'
import { cmds, evalStep } from './helpers.js'

/**
 * WATCH on one connection: its own writes, a script's writes and expiry changes abort EXEC
 * (nil); reads, writes of other keys and writes that change nothing (Redis signals no
 * modification for them) do not; EXEC, DISCARD and UNWATCH forget the watched keys.
 */
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
]
