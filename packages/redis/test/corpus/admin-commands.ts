import type { CorpusCase } from '../differential.js'
import { cmds } from './helpers.js'

/** Calls of SCRIPT and FUNCTION from a script: HELP is the one subcommand not flagged `noscript`. */
const FROM_SCRIPT = [
  "'SCRIPT', 'HELP'",
  "'script', 'help'",
  "'SCRIPT'",
  "'SCRIPT', 'nope'",
  "'SCRIPT', 'HELP', 'x'",
  "'FUNCTION', 'Help'",
  "'FUNCTION'",
  "'FUNCTION', 'help', 1",
  "'FUNCTION', 'nope'",
]

/** Redis 7.0's container commands; COMMAND alone is valid (it lists the command table). */
const CONTAINERS = 'CONFIG OBJECT XINFO CLIENT COMMAND FUNCTION SCRIPT XGROUP MEMORY ACL PUBSUB SLOWLOG LATENCY MODULE CLUSTER'.split(' ')

/**
 * Administrative commands' argument forms: FLUSHALL/FLUSHDB options (Redis's
 * `getFlushCommandFlags`: a bad option flushes nothing), SCRIPT HELP and FUNCTION HELP.
 */
export const ADMIN_COMMAND_CASES: CorpusCase[] = [
  cmds(
    'flushall and flushdb refuse options other than one SYNC or ASYNC',
    'SET k v',
    'FLUSHALL x',
    'FLUSHDB foo',
    'FLUSHALL ASYNC SYNC',
    'FLUSHDB sync sync',
    ['FLUSHALL', ''],
    ['FLUSHDB', 'SYNC\n'],
    ['FLUSHALL', 'SYNCX'],
    'EXISTS k',
  ),
  // strcasecmp stops at a NUL byte
  cmds('flushdb reads its option up to a NUL byte', 'SET k v', ['FLUSHDB', 'SYNC\u0000x'], 'EXISTS k'),
  cmds(
    'command options are read up to a NUL byte',
    ['SET', 'k', 'v', 'NX\u0000zz'],
    ['SET', 'k', 'w', 'XX\u0000', 'GET\u0000x'],
    'GET k',
    ['EXPIRE', 'k', '100', 'NX\u0000'],
    'TTL k',
    ['ZADD', 'z', 'NX\u0000', '1', 'a'],
    ['ZRANGE', 'z', '0', '-1', 'WITHSCORES\u0000y'],
    'RPUSH l a b a',
    ['LPOS', 'l', 'a', 'RANK\u0000q', '2'],
    ['SET', 'k2', 'v', 'N\u0000X'],
  ),
  cmds(
    'flushall and flushdb refuse bad options from scripts',
    'SET k v',
    ['EVAL', "return redis.pcall('FLUSHALL', 'x')", '0'],
    ['EVAL', "return redis.pcall('FLUSHDB', 'ASYNC', 'x')", '0'],
    ['EVAL', "return redis.call('FLUSHDB', 'now')", '0'],
    'EXISTS k',
    ['EVAL', "return redis.call('FLUSHALL', 'SYNC')", '0'],
    'EXISTS k',
  ),
  cmds('flushall with a bad option inside MULTI', 'SET k v', 'MULTI', 'FLUSHALL x', 'EXEC', 'EXISTS k'),
  cmds(
    'flushall and flushdb accept SYNC and ASYNC in any case',
    'SET k v',
    'FLUSHDB sync',
    'EXISTS k',
    'SET k v',
    'FLUSHALL Async',
    'EXISTS k',
    'SET k v',
    'FLUSHDB ASYNC',
    'EXISTS k',
    'SET k v',
    'FLUSHALL',
    'EXISTS k',
  ),
  cmds('SCRIPT HELP', ['SCRIPT', 'HELP'], ['script', 'help'], ['SCRIPT', 'HELP', 'x'], ['SCRIPT', 'hElP', 'x', 'y']),
  cmds('FUNCTION HELP', ['FUNCTION', 'HELP'], ['function', 'hElP'], ['FUNCTION', 'HELP', 'x'], ['FUNCTION', 'help', 'x', 'y']),
  cmds('SCRIPT HELP and FUNCTION HELP inside MULTI', 'MULTI', 'SCRIPT HELP', 'FUNCTION HELP', 'EXEC'),
  // a subcommand Redis cannot run is refused when queued, and the transaction is discarded
  cmds('SCRIPT LOAD without a script inside MULTI', 'MULTI', 'SET k v', 'SCRIPT LOAD', 'EXEC', 'EXISTS k'),
  cmds('an unknown FUNCTION subcommand inside MULTI', 'MULTI', 'SET k v', 'FUNCTION NOPE', 'EXEC', 'EXISTS k'),
  cmds('SCRIPT EXISTS without a sha inside MULTI', 'MULTI', 'SCRIPT EXISTS', 'SCRIPT KILL x', 'EXEC'),
  cmds('well-formed SCRIPT and FUNCTION subcommands queue', 'MULTI', 'SCRIPT EXISTS abc', 'FUNCTION LIST', 'SCRIPT FLUSH', 'EXEC'),
  cmds(
    'SCRIPT and FUNCTION called from a script',
    ...FROM_SCRIPT.map((a) => ['EVAL', `return redis.pcall(${a})`, '0']),
    ['EVAL', "local r = redis.call('SCRIPT', 'HELP') return {type(r[1]), r[1].ok, #r}", '0'],
    ['EVAL', "redis.setresp(3) return redis.call('FUNCTION', 'HELP')", '0'],
    ['EVAL', "return redis.call('SCRIPT', 'HELP', 'x')", '0'],
  ),
  cmds(
    'redis.acl_check_cmd of SCRIPT and FUNCTION',
    ...FROM_SCRIPT.map((a) => ['EVAL', `return {pcall(redis.acl_check_cmd, ${a})}`, '0']),
    ['EVAL', "return {pcall(redis.acl_check_cmd, 'SCRIPT', 'LOAD')}", '0'],
  ),
  // processCommand refuses these before anything runs, whether or not this package provides the container
  cmds('a container called alone is an arity error', ...CONTAINERS.filter((c) => c !== 'COMMAND').map((c) => [c]), ['config'], ['xInfo']),
  cmds(
    "a container's unknown subcommand",
    ...CONTAINERS.map((c) => [c, 'nope']),
    ['object', 'Nope', 'k'],
    ['CONFIG', 'x'.repeat(200)],
    ['XINFO', 'a\r\nb'],
    ['MEMORY', 'a\u0000b'],
  ),
  cmds(
    "a container's subcommand with a wrong argument count",
    ...CONTAINERS.map((c) => [c, 'help', 'x']),
    'CONFIG GET',
    'config set a',
    'OBJECT ENCODING',
    'object encoding k x',
    'XINFO STREAM',
    'XINFO GROUPS k x',
    'XGROUP CREATE k g',
    'MEMORY USAGE',
    'ACL GETUSER',
    'SLOWLOG LEN x',
  ),
  cmds(
    'container errors inside MULTI discard the transaction',
    'MULTI',
    'SET k v',
    'CONFIG',
    'OBJECT nope',
    'XINFO STREAM',
    'EXEC',
    'EXISTS k',
  ),
  cmds('an arity error of a container alone inside MULTI', 'MULTI', 'SET k v', 'xgroup', 'EXEC', 'EXISTS k'),
]
