import type { CorpusCase } from '../differential.js'
import { cmds } from './helpers.js'

/** Redis 7.0's container commands but CLUSTER, which a standalone server refuses whole. */
const CONTAINERS = 'ACL CLIENT COMMAND CONFIG FUNCTION LATENCY MEMORY MODULE OBJECT PUBSUB SCRIPT SLOWLOG XGROUP XINFO'.split(' ')

/**
 * `<CONTAINER> HELP` of every container command, from `command()`, inside MULTI and from
 * scripts (HELP is never flagged `noscript`), and CLUSTER on a server without cluster support.
 */
export const CONTAINER_HELP_CASES: CorpusCase[] = [
  ...CONTAINERS.map((c) => cmds(`${c} HELP`, [c, 'HELP'], [c.toLowerCase(), 'hElp'])),
  cmds('HELP of every container inside MULTI', 'MULTI', ...CONTAINERS.map((c) => [c, 'help']), 'EXEC'),
  ...CONTAINERS.map((c) =>
    cmds(
      `${c} HELP from a script`,
      ['EVAL', `return redis.call('${c.toLowerCase()}', 'help')`, '0'],
      ['EVAL', `redis.setresp(3) local r = redis.call('${c}', 'HELP') return {#r, r[1].ok, r[#r].ok}`, '0'],
      ['EVAL', `return {pcall(redis.acl_check_cmd, '${c}', 'HELP')}`, '0'],
    ),
  ),
  cmds(
    'CLUSTER without cluster support',
    'CLUSTER HELP',
    'CLUSTER INFO',
    'cluster keyslot k',
    'CLUSTER MYID',
    'CLUSTER NOPE',
    'CLUSTER INFO x',
    'MULTI',
    'CLUSTER INFO',
    'EXEC',
    ['EVAL', "return redis.pcall('CLUSTER', 'INFO')", '0'],
    ['EVAL', "return redis.pcall('CLUSTER', 'HELP')", '0'],
    ['EVAL', "return redis.pcall('CLUSTER', 'RESET')", '0'],
    ['EVAL', "return redis.call('CLUSTER', 'KEYSLOT', 'k')", '0'],
  ),
]
