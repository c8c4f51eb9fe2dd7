import type { CorpusCase } from '../differential.js'
import { cmds } from './helpers.js'

/**
 * Administrative commands' argument forms: FLUSHALL/FLUSHDB options (Redis's
 * `getFlushCommandFlags`: a bad option flushes nothing).
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
]
