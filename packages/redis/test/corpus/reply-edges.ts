import type { CorpusCase } from '../differential.js'
import { cmds, evalStep, script } from './helpers.js'

/** Error and status texts with CR, LF and NUL at the start, the end and between. */
const LINE_BREAKS = [
  'x\r\n',
  'a\n',
  '\r\nab\r\n',
  '\r',
  '\n\r\n',
  'a\rb\nc',
  'ab\r\n\r\n',
  ' \r\n',
  '-x\n',
  '-\r\n',
  '\n-x',
  'a\n\u0000b\n',
  'a\u0000\r\n',
  'ERR x\r\n\r',
  '',
]

/**
 * Error and status tables' texts with line breaks (an error's are trimmed from its end first),
 * cjson.null in replies and msgpack, math.random's C-int interval, pcall with no function,
 * redis.acl_check_cmd, commands and subcommands refused from scripts, SCRIPT FLUSH's
 * options: each answer from redis-server 7.0 in the same run.
 */
export const REPLY_EDGE_CASES: CorpusCase[] = [
  // Redis's cjson.null is a userdata: a nil reply, and an array goes on past it
  script('cjson.null as the reply', 'return cjson.null'),
  script('cjson.null inside an array reply', "return cjson.decode('[1,null,3]')"),
  script('cjson.null nested', "return { 1, { cjson.null, 'x' }, cjson.null, 4 }"),
  script('cjson.null under RESP3', 'redis.setresp(3) return { cjson.null, 2 }'),
  script('cmsgpack of cjson.null', 'return { cmsgpack.pack(cjson.null), cmsgpack.pack({ 1, cjson.null, 3 }) }'),
  script('cmsgpack round trip of cjson.null', 'return { cmsgpack.unpack(cmsgpack.pack({ 1, cjson.null, 3 })) }'),
  script('cjson of cjson.null', 'return { cjson.encode(cjson.null), cjson.encode({ a = cjson.null }), cjson.encode({ 1, cjson.null }) }'),
  script('tostring of cjson.null', 'return tostring(cjson.null)'),
  // u - l + 1 is a C int in Redis's math.random: it wraps
  script(
    'math.random over the whole int range',
    'math.randomseed(1) return { math.random(-2147483648, 2147483647), math.random(-2147483648, 2147483647) }',
  ),
  script(
    'math.random(0, 2^31 - 1) wraps negative',
    'math.randomseed(7) return { math.random(0, 2147483647), math.random(1, 2147483647), math.random(-1, 2147483646) }',
  ),
  script(
    'math.random near the wrap',
    'math.randomseed(3) return { math.random(-5, 2147483640), math.random(-1073741824, 1073741823), math.random(-1073741824, 1073741824) }',
  ),
  // luaRedisPcall calls its boolean placeholder when there is no function
  script('pcall with no arguments', 'return { pcall() }'),
  script('pcall of pcall', 'return { pcall(pcall) }'),
  script('pcall of a number', 'return { pcall(1) }'),
  script(
    'acl_check_cmd of known commands',
    "return { redis.acl_check_cmd('get'), redis.acl_check_cmd('set', 'k', 'v'), redis.acl_check_cmd('config', 'get', 'x') }",
  ),
  script('acl_check_cmd of an unknown command', "return redis.acl_check_cmd('nosuchcommand')"),
  script('acl_check_cmd caught', "return { pcall(redis.acl_check_cmd, 'nosuchcommand') }"),
  script('acl_check_cmd with no argument', 'return redis.acl_check_cmd()'),
  script('acl_check_cmd with a table', 'return redis.acl_check_cmd({})'),
  ...[
    'CONFIG GET maxmemory',
    'CLIENT LIST',
    'CLIENT SETNAME x',
    'ACL WHOAMI',
    'FUNCTION LIST',
    'SCRIPT EXISTS x',
    'SHUTDOWN NOSAVE',
    'WAIT 0 0',
    'HELLO',
    'MULTI',
    'AUTH x',
  ].map((c) =>
    script(
      `${c.split(' ')[0]} from a script`,
      `return { pcall(redis.call, ${c
        .split(' ')
        .map((a) => `'${a}'`)
        .join(', ')}) }`,
    ),
  ),
  // the engine raises Redis's message for a write to a read-only table, so pcall sees it too
  script(
    'a caught library write',
    "return { select(2, pcall(function() string.upper = 1 end)), select(2, pcall(function() redis.x = 1 end)), select(2, pcall(rawset, redis, 'call', 1)), select(2, pcall(rawset, cjson, 'x', 1)) }",
  ),
  cmds('SCRIPT FLUSH with two options', ['SCRIPT', 'FLUSH', 'ASYNC', 'SYNC']),
  cmds('SCRIPT FLUSH with a bad option', ['SCRIPT', 'FLUSH', 'LATER']),
  cmds('FUNCTION FLUSH with a bad option', ['FUNCTION', 'FLUSH', 'LATER']),
  // addReplyErrorFormat trims CR/LF from an error's end, then maps the rest to spaces; a status is only mapped
  ...['return {err=ARGV[1]}', 'return {1, {err=ARGV[1]}}', 'return {ok=ARGV[1]}', 'return redis.error_reply(ARGV[1])'].map((src) =>
    cmds(`line breaks in ${src}`, ...LINE_BREAKS.map((t) => evalStep(src, [], [t]))),
  ),
]
