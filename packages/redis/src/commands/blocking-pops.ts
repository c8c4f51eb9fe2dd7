import { keyBytes, keyOf, option } from '../store/args.js'
import type { Keyspace } from '../store/keyspace.js'
import { ERR, fail, type Reply } from '../store/replies.js'
import { arg, type CommandSpec, commands } from './command.js'
import { LIST_COMMANDS } from './lists.js'
import { MULTI_POP_COMMANDS, parse } from './multi-pops.js'
import { blockingTimeout } from './zset-pops.js'

/**
 * BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP and BZMPOP as Redis 7.0.15 runs them where a
 * client may not block (inside MULTI and scripts, `CLIENT_DENY_BLOCKING`): the arguments and
 * the timeout checked in Redis's order (`blockingPopGenericCommand`, `blmoveCommand`,
 * `brpoplpushCommand`, `lmpopGenericCommand`, `zmpopGenericCommand`), then the first key
 * holding elements answered as the non-blocking form answers it, else nil at once. The
 * store never blocks, so a client's call answers at once too (where redis-server would wait
 * for the timeout). Scripts may call BLMPOP and BZMPOP; Redis flags the others `noscript`,
 * and scripts refuse them before they reach the store (script-commands.ts).
 */
export const BLOCKING_POP_COMMANDS = commands([
  ['blpop', -3, 'w', (ks, a) => blockingListPop(ks, a, true)],
  ['brpop', -3, 'w', (ks, a) => blockingListPop(ks, a, false)],
  [
    'blmove',
    6,
    'w',
    (ks, a) => {
      for (const where of [option(arg(a, 2)), option(arg(a, 3))]) if (where !== 'LEFT' && where !== 'RIGHT') fail(ERR.syntax)
      blockingTimeout(arg(a, 4))
      return ks.read(keyOf(arg(a, 0)), 'list') ? LMOVE.run(ks, a.slice(0, 4)) : null
    },
  ],
  [
    'brpoplpush',
    4,
    'w',
    (ks, a) => {
      blockingTimeout(arg(a, 2))
      return ks.read(keyOf(arg(a, 0)), 'list') ? RPOPLPUSH.run(ks, a.slice(0, 2)) : null
    },
  ],
  ['blmpop', -5, 'w', (ks, a) => blockingMultiPop(ks, a, LMPOP, ['LEFT', 'RIGHT'])],
  ['bzmpop', -5, 'w', (ks, a) => blockingMultiPop(ks, a, ZMPOP, ['MIN', 'MAX'])],
])

// --- internal ---

const named = (list: readonly CommandSpec[], name: string) => list.find((c) => c.name === name) as CommandSpec
const LMOVE = named(LIST_COMMANDS, 'lmove')
const RPOPLPUSH = named(LIST_COMMANDS, 'rpoplpush')
const LMPOP = named(MULTI_POP_COMMANDS, 'lmpop')
const ZMPOP = named(MULTI_POP_COMMANDS, 'zmpop')

/** `blockingPopGenericCommand` for BLPOP/BRPOP: `[key, element]` from the first non-empty list. */
function blockingListPop(ks: Keyspace, a: Buffer[], left: boolean): Reply {
  blockingTimeout(arg(a, a.length - 1))
  for (const k of a.slice(0, -1)) {
    const key = keyOf(k)
    const list = ks.read(key, 'list')
    if (!list || list.length === 0) continue
    const value = (left ? list.shift() : list.pop()) as Buffer
    ks.dropIfEmpty(key)
    return [keyBytes(key), value]
  }
  return null
}

/** BLMPOP/BZMPOP: `timeout numkeys key... <where> [COUNT n]`, the rest checked before the timeout, then LMPOP/ZMPOP. */
function blockingMultiPop(ks: Keyspace, a: Buffer[], pop: CommandSpec, wheres: readonly [string, string]): Reply {
  parse(a.slice(1), wheres)
  blockingTimeout(arg(a, 0))
  return pop.run(ks, a.slice(1))
}
