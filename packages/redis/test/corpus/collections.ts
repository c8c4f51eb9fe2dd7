import type { CorpusCase } from '../differential.js'
import { cmds, script, unordered } from './helpers.js'

/** Lists and sets: replies and errors as redis-server 7.0 gives them. */
export const COLLECTION_CASES: CorpusCase[] = [
  // lists
  cmds('push pop', 'LPUSH l a b c', 'RPUSH l d e', 'LRANGE l 0 -1', 'LPOP l', 'RPOP l', 'LLEN l', 'LPOP none', 'RPOP none'),
  // pushes on the left past the room the list keeps there, mixed with pops, LREM, LINSERT...
  script(
    'long list: both ends, removals and inserts',
    `for i = 1, 40 do redis.call('LPUSH', 'l', 'a' .. i) end
    for i = 1, 5 do redis.call('RPUSH', 'l', 'b' .. i) end
    local out = { redis.call('RPOP', 'l'), redis.call('LPOP', 'l') }
    for i = 1, 70 do redis.call('LPUSH', 'l', 'c' .. (i % 7)) if i % 9 == 0 then redis.call('RPOPLPUSH', 'l', 'l') end end
    out[#out + 1] = redis.call('LREM', 'l', 3, 'c2')
    out[#out + 1] = redis.call('LREM', 'l', -2, 'c3')
    out[#out + 1] = redis.call('LINSERT', 'l', 'BEFORE', 'a20', 'x')
    out[#out + 1] = redis.call('LSET', 'l', 5, 'y').ok
    out[#out + 1] = redis.call('LINDEX', 'l', -3)
    out[#out + 1] = redis.call('LPOS', 'l', 'c4', 'RANK', -2)
    out[#out + 1] = table.concat(redis.call('LPOP', 'l', 4), ',')
    out[#out + 1] = table.concat(redis.call('RPOP', 'l', 3), ',')
    out[#out + 1] = redis.call('LTRIM', 'l', 2, -5).ok
    for i = 1, 20 do redis.call('LPOP', 'l') end
    for i = 1, 12 do redis.call('LPUSH', 'l', 'd' .. i) end
    out[#out + 1] = table.concat(redis.call('LRANGE', 'l', 0, -1), ',')
    out[#out + 1] = redis.call('LLEN', 'l')
    return out`,
  ),
  cmds(
    'list emptied from the left, then pushed again',
    'RPUSH l a b',
    'LPOP l',
    'LPOP l',
    'EXISTS l',
    'LPUSH l c',
    'RPUSH l d',
    'LRANGE l 0 -1',
  ),
  cmds(
    'pop with count',
    'RPUSH l a b c d',
    'LPOP l 2',
    'RPOP l 5',
    'EXISTS l',
    'LPOP none 2',
    'RPUSH l x',
    'LPOP l 0',
    'LPOP l -1',
    'LPOP l x',
    'LPOP l 1 2',
  ),
  cmds(
    'lrange bounds',
    'RPUSH l a b c d e',
    'LRANGE l 1 3',
    'LRANGE l -2 -1',
    'LRANGE l 3 1',
    'LRANGE l -100 100',
    'LRANGE l 5 10',
    'LRANGE l a 1',
    'LRANGE none 0 -1',
  ),
  cmds(
    'lindex lset',
    'RPUSH l a b c',
    'LINDEX l 0',
    'LINDEX l -1',
    'LINDEX l 5',
    'LSET l 1 B',
    'LSET l 9 x',
    'LSET none 0 x',
    'LRANGE l 0 -1',
    'LINDEX l x',
  ),
  cmds('ltrim', 'RPUSH l a b c d e', 'LTRIM l 1 -2', 'LRANGE l 0 -1', 'LTRIM l 5 10', 'EXISTS l', 'LTRIM none 0 1'),
  cmds(
    'lrem',
    'RPUSH l a b a c a',
    'LREM l 2 a',
    'LRANGE l 0 -1',
    'RPUSH l a a',
    'LREM l -1 a',
    'LRANGE l 0 -1',
    'LREM l 0 a',
    'LRANGE l 0 -1',
    'LREM l x a',
  ),
  cmds(
    'rpoplpush lmove',
    'RPUSH s a b c',
    'RPOPLPUSH s d',
    'LMOVE s d LEFT RIGHT',
    'LRANGE s 0 -1',
    'LRANGE d 0 -1',
    'RPOPLPUSH s s',
    'LRANGE s 0 -1',
    'RPOPLPUSH none d',
    'LMOVE s d UP DOWN',
  ),
  cmds('rpoplpush wrongtype dst', 'RPUSH s a', 'SET d x', 'RPOPLPUSH s d', 'LRANGE s 0 -1'),
  cmds(
    'lpos',
    'RPUSH l a b c a b c a',
    'LPOS l a',
    'LPOS l a RANK 2',
    'LPOS l a RANK -1',
    'LPOS l a COUNT 0',
    'LPOS l a COUNT 2 RANK -1',
    'LPOS l z',
    'LPOS l z COUNT 1',
    'LPOS l a RANK 0',
    'LPOS l a COUNT -1',
    'LPOS l a MAXLEN 2 COUNT 0',
    'LPOS l a MAXLEN -1',
    'LPOS none a',
  ),
  cmds(
    'linsert pushx',
    'RPUSH l a c',
    'LINSERT l BEFORE c b',
    'LINSERT l AFTER c d',
    'LINSERT l AFTER z q',
    'LRANGE l 0 -1',
    'LPUSHX none a',
    'RPUSHX l e',
    'LINSERT l MIDDLE a b',
  ),
  cmds('list wrongtype', 'SET s v', 'LPUSH s a', 'LRANGE s 0 -1', 'LLEN s', 'RPOP s'),
  // sets
  unordered(cmds('sadd smembers', 'SADD s a b c a', 'SMEMBERS s', 'SCARD s', 'SISMEMBER s a', 'SISMEMBER s z', 'SMEMBERS none')),
  cmds('intset order', 'SADD s 10 2 33 -4', 'SMEMBERS s'),
  cmds('srem', 'SADD s a b', 'SREM s a z', 'SREM s b', 'EXISTS s', 'SREM none a'),
  unordered(cmds('sinter sunion sdiff', 'SADD a 1 2 3', 'SADD b 2 3 4', 'SINTER a b', 'SUNION a b', 'SDIFF a b', 'SINTER a none')),
  cmds('smismember smove', 'SADD a x y', 'SMISMEMBER a x z', 'SMOVE a b x', 'SMOVE a b z', 'SMEMBERS b'),
  cmds('set wrongtype', 'SET k v', 'SADD k a', 'SMEMBERS k', 'SISMEMBER k a'),
  cmds('lindex lset look the key up first', 'LINDEX missing x', 'LSET missing x v', 'SET s v', 'LINDEX s x', 'LSET s x v'),
  cmds('lpos count maxlen messages', 'RPUSH l a', 'LPOS l a COUNT abc', 'LPOS l a MAXLEN abc', 'LPOS l a COUNT -1'),
  cmds(
    'lpos rank long min',
    'RPUSH l a b a a',
    'LPOS l a RANK -9223372036854775808',
    'LPOS l a RANK -9223372036854775808 COUNT 1',
    'LPOS l a RANK -9223372036854775808 COUNT 1 MAXLEN 2',
  ),
  cmds('smove missing source before types', 'SET str v', 'SMOVE missing str m', 'SADD s a', 'SMOVE s s a', 'SMOVE s s b', 'SMOVE s str a'),
]
