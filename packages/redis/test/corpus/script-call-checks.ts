import type { CorpusCase } from '../differential.js'
import { cmds, script } from './helpers.js'

/** `return redis.pcall('A', 'B')` for the words of `command` (empty words kept). */
function pcallOf(command: string, call = 'pcall'): string {
  return `return redis.${call}(${command
    .split(' ')
    .map((a) => `'${a}'`)
    .join(', ')})`
}

/** Commands Redis refuses from scripts, called with counts their arities refuse. */
const NOSCRIPT_BAD_ARITY = [
  'EVAL',
  'EVAL_RO x',
  'EVALSHA',
  'EVALSHA_RO x',
  'FCALL',
  'FCALL_RO f',
  'WATCH',
  'MULTI x',
  'EXEC x',
  'DISCARD x',
  'UNWATCH x',
  'BLPOP l',
  'BRPOP l',
  'BLMOVE a b LEFT',
  'BRPOPLPUSH a b',
  'BZPOPMIN z',
  'BZPOPMAX z',
  'SUBSCRIBE',
  'PSUBSCRIBE',
  'SSUBSCRIBE',
  'AUTH',
  'SAVE x',
  'MONITOR x',
  'SYNC x',
  'RESET x',
  'WAIT 0',
  'WAIT 0 0 0',
  'DEBUG',
  'REPLICAOF x',
  'ROLE x',
]

/** Containers alone, unknown subcommands, and subcommands (refused or not) at a wrong arity. */
const CONTAINER_CALLS = [
  'CLIENT',
  'CLIENT NOPE',
  'CLIENT ID x',
  'CLIENT SETNAME',
  'CLIENT HELP x',
  'CONFIG',
  'CONFIG GET',
  'CONFIG NOPE',
  'OBJECT',
  'OBJECT NOPE',
  'OBJECT ENCODING',
  'FUNCTION',
  'FUNCTION NOPE',
  'FUNCTION HELP x',
  'FUNCTION DELETE',
  'SCRIPT',
  'SCRIPT NOPE',
  'SCRIPT HELP x',
  'SCRIPT LOAD',
  'XINFO',
  'XINFO STREAM',
  'XGROUP',
  'XGROUP DESTROY s',
  'ACL',
  'ACL WHOAMI x',
  'MEMORY',
  'MEMORY USAGE',
  'MODULE',
  'LATENCY',
  'PUBSUB',
  'SLOWLOG',
  'CLUSTER',
  'CLUSTER RESET x y',
  'COMMAND NOPE',
  'COMMAND HELP x',
  'COMMAND COUNT x',
]

/**
 * The order of Redis 7.0's checks of a script's command (`scriptCall`): unknown, then
 * arity ("Wrong number of args calling Redis command from script"), then `noscript`; a
 * container alone is the container (arity -2), a container with an unknown subcommand is
 * unknown. Both `redis.pcall` (the error table) and `redis.call` (the raised error).
 */
export const SCRIPT_CALL_CHECK_CASES: CorpusCase[] = [
  ...[...NOSCRIPT_BAD_ARITY, ...CONTAINER_CALLS].map((c) => script(`pcall ${c}`, pcallOf(c))),
  ...['EVAL', 'WATCH', 'CLIENT', 'CONFIG GET', 'SCRIPT HELP x'].map((c) => script(`call ${c}`, pcallOf(c, 'call'))),
  // still refused once the arity fits
  ...['EVAL_RO x 0', 'WATCH k', 'MULTI', 'BLPOP l 0', 'WAIT 0 0', 'CLIENT ID', 'CONFIG GET x'].map((c) =>
    script(`pcall ${c} at its arity`, pcallOf(c)),
  ),
  script(
    'acl_check_cmd of containers',
    "return { redis.acl_check_cmd('client'), redis.acl_check_cmd('config', 'get'), redis.acl_check_cmd('object', 'encoding', 'k'), redis.acl_check_cmd('eval') }",
  ),
  script('acl_check_cmd of an unknown subcommand', "return redis.acl_check_cmd('client', 'nope')"),
  // XREAD refuses BLOCK where its option loop meets it, naming the command as the script spelled it
  ...[
    'xread block 1 streams s 0',
    'XrEaD BLOCK 1 STREAMS s 0',
    'XREAD COUNT x BLOCK 1 STREAMS s 0',
    'XREAD COUNT BLOCK 1 STREAMS s 0',
    'XREAD COUNT 1 BLOCK 1 STREAMS s 0',
    'XREAD BLOCK x STREAMS s 0',
    'XREAD STREAMS BLOCK 1 0',
    'XREAD BLOCK',
    'XREAD COUNT 1 BLOCK',
    'XREAD NOACK BLOCK 1 STREAMS s 0',
    'XREAD GROUP g BLOCK 1 STREAMS s 0',
    'XREAD GROUP g STREAMS s 0',
  ].map((c) => script(`pcall ${c}`, pcallOf(c))),
  cmds(
    "XREAD's options",
    'XREAD NOACK STREAMS s 0',
    'xread noack streams s 0',
    'XREAD GROUP g c STREAMS s 0',
    'XREAD COUNT 1 GROUP g',
    'XREAD COUNT 1 STREAMS',
    'XREAD COUNT 1 NOACK',
  ),
  cmds('the check order under EVAL_RO', ['EVAL_RO', pcallOf('WATCH'), '0'], ['EVAL_RO', pcallOf('CLIENT'), '0']),
]
