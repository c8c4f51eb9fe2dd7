import { PAT, patLen } from '../../src/commands/hll-core.js'
import type { CorpusCase } from '../differential.js'
import { cmds, evalStep, type Step } from './helpers.js'

/** A sparse HLL's header: the cached cardinality marked invalid. */
const HDR = '48594c4c010000000000000000000080'

/** `PFADD key e<from> ... e<to - 1>` as one argv. */
function pfaddRange(key: string, from: number, to: number, prefix = 'e'): string[] {
  const argv = ['PFADD', key]
  for (let i = from; i < to; i++) argv.push(`${prefix}${i}`)
  return argv
}

/** A script adding `n` distinct elements to KEYS[1] in batches of 1,000 PFADDs arguments (answers the sum of PFADD replies). */
const ADD_MANY = `local n, t, r = tonumber(ARGV[1]), {}, 0
for i = 1, n do
  t[#t + 1] = ARGV[2] .. i
  if #t == 1000 or i == n then r = r + redis.call('PFADD', KEYS[1], unpack(t)); t = {} end
end
return r`

/** The HLL bytes, encoding and count after each step of a value's life. */
function lifeOf(key: string): Step[] {
  return [
    ['GET', key],
    ['STRLEN', key],
    ['OBJECT', 'ENCODING', key],
    ['PFCOUNT', key],
    ['GET', key],
  ]
}

/** PFADD, PFCOUNT, PFMERGE: replies, errors and the raw bytes, as redis-server 7.0.15 gives them. */
export const HLL_CASES: CorpusCase[] = [
  cmds(
    'pfadd and pfcount basics',
    'PFADD k a b c',
    ...lifeOf('k'),
    'PFADD k a',
    'PFADD k',
    'OBJECT ENCODING k',
    'TYPE k',
    'PFADD empty',
    ...lifeOf('empty'),
    'PFADD empty',
    'PFCOUNT missing',
    'PFCOUNT missing other',
    'EXISTS missing',
    'PFADD k a b c d e f g h i j',
    'PFCOUNT k',
    'PFCOUNT k k k',
    'GET k',
  ),
  cmds('pfadd of 1 element', 'PFADD k x', ...lifeOf('k')),
  cmds('pfadd of 100 elements', pfaddRange('k', 0, 100), ...lifeOf('k'), 'PFADD k e5 e99 zz', 'GET k'),
  cmds('pfadd of 5,000 elements (dense)', pfaddRange('k', 0, 5000), ...lifeOf('k'), pfaddRange('k', 4990, 5010), ...lifeOf('k')),
  cmds(
    'sparse to dense step by step',
    ...Array.from({ length: 12 }, (_, i) => pfaddRange('k', i * 150, (i + 1) * 150, 'x')),
    ...lifeOf('k'),
  ),
  cmds('pfadd of 200,000 elements', ...[0, 1, 2, 3].map((i) => pfaddRange('k', i * 50000, (i + 1) * 50000)), ...lifeOf('k'), 'PFCOUNT k'),
  // a script's time limit (5 s) must hold on a loaded machine: 10,000 from a script
  cmds('pfadd of 10,000 elements from a script', evalStep(ADD_MANY, ['k'], ['10000', 'el']), ...lifeOf('k'), 'PFCOUNT k'),
  cmds(
    'pfmerge of sparse and dense',
    pfaddRange('s', 0, 100),
    pfaddRange('t', 50, 180, 'f'),
    pfaddRange('d', 0, 5000, 'g'),
    'PFMERGE m s d',
    ...lifeOf('m'),
    'PFMERGE m2 s',
    ...lifeOf('m2'),
    'PFMERGE m3 s t',
    ...lifeOf('m3'),
    'PFMERGE s t',
    ...lifeOf('s'),
    'PFMERGE d s',
    ...lifeOf('d'),
    'PFMERGE fresh',
    ...lifeOf('fresh'),
    'PFMERGE t t t missing',
    'GET t',
    'PFCOUNT s d',
    'PFCOUNT s t missing d s',
    'GET s',
    'OBJECT ENCODING s',
  ),
  cmds(
    'wrong types and non-HLL strings',
    'SET str hello',
    'PFADD str a',
    'PFCOUNT str',
    'PFMERGE x str',
    'EXISTS x',
    'PFCOUNT missing str',
    'PFMERGE str',
    'SET n 123',
    'PFADD n a',
    'PFCOUNT n',
    'SET n 12345678901234567890',
    'PFCOUNT n',
    'SET long 0123456789abcdefghijklmnop',
    'PFCOUNT long',
    'LPUSH l a',
    'PFADD l a',
    'PFCOUNT l',
    'PFCOUNT l str',
    'PFMERGE l',
    'PFMERGE x l',
    'PFADD h a',
    'PFMERGE h str',
    'GET h',
    'PFADD',
    'PFCOUNT',
    'PFMERGE',
  ),
  cmds(
    'corrupted headers',
    'PFADD h a b c',
    'SETRANGE h 4 \x02',
    'PFADD h x',
    'PFCOUNT h',
    'SETRANGE h 4 \x01',
    'PFCOUNT h',
    'SETRANGE h 0 HYLX',
    'PFADD h x',
    'PFMERGE m h',
    'SETRANGE h 0 HYLL',
    'SETRANGE h 5 xyz',
    'PFADD h x',
    'GET h',
    'PFADD d a',
    'PFMERGE d d',
    'PFMERGE big d',
    pfaddRange('big', 0, 3000),
    'APPEND big x',
    'PFCOUNT big',
    'PFADD big a',
    'SETRANGE d 4 \x00',
    'PFCOUNT d',
  ),
  cmds(
    'corrupted sparse registers',
    'PFADD h a b c',
    ['SETRANGE', 'h', '16', { hex: '00' }],
    'PFCOUNT h',
    'PFADD h a b c d e f',
    'PFADD h zzzz',
    'GET h',
    'PFMERGE m h',
    'PFCOUNT h other',
    'PFADD t a',
    ['SETRANGE', 't', '8', { hex: '0500000000000000' }],
    'PFCOUNT t',
    'GET t',
    ['APPEND', 't', { hex: '7fff' }],
    'PFCOUNT t',
    'PFADD t q r s',
    'PFMERGE t2 t',
    'PFADD u a',
    ['SETRANGE', 'u', '16', { hex: 'ff' }],
    'PFCOUNT u',
    'PFADD u b c',
    'GET u',
  ),
  cmds(
    'crafted sparse strings',
    ['SET', 'a', { hex: `${HDR}7ffe00` }],
    'PFADD a x y z',
    'GET a',
    ['SET', 'v', { hex: `${HDR}43ff7bff` }],
    'PFCOUNT v',
    'PFADD v a b c d',
    'GET v',
    ['SET', 'w', { hex: `${HDR}bf7ffb` }],
    'PFCOUNT w',
    'PFADD w a b c',
    'GET w',
    ['SET', 'x', { hex: `${HDR}7f` }],
    'PFCOUNT x',
    'PFADD x a',
    'GET x',
    ['SET', 'y', { hex: `${HDR}7fff${'aa'.repeat(40)}` }],
    'PFCOUNT y',
    'PFADD y a b c d e f g',
    'GET y',
    'PFMERGE y2 y',
    // every register its own ZERO opcode: valid, and longer than hll-sparse-max-bytes
    ['SET', 'z', { hex: `${HDR}${'00'.repeat(16384)}` }],
    'PFCOUNT z',
    pfaddRange('z', 0, 300),
    'GET z',
    'PFCOUNT z',
    ['SET', 'z2', { hex: `${HDR}${'00'.repeat(16384)}` }],
    'PFMERGE z2 a v w',
    'GET z2',
    // opcodes past the 16384th register: a VAL, a ZERO, a second XZERO; one across the end
    ['SET', 't1', { hex: `${HDR}7fffaa` }],
    ['SET', 't2', { hex: `${HDR}7fff00` }],
    ['SET', 't3', { hex: `${HDR}7fff7fff` }],
    ['SET', 't4', { hex: `${HDR}7e7f7fff` }],
    ['SET', 't5', { hex: `${HDR}7ffe81` }],
    'PFCOUNT t1',
    'PFCOUNT t2',
    'PFCOUNT t1 t2',
    'PFMERGE m1 t1',
    'PFMERGE m2 t2',
    'PFMERGE m3 t3',
    'PFMERGE m5 t5',
    'PFCOUNT t5 t4',
    pfaddRange('t1', 0, 40),
    pfaddRange('t2', 0, 40),
    pfaddRange('t3', 0, 40),
    pfaddRange('t4', 0, 200),
    pfaddRange('t5', 0, 40),
    'GET t1',
    'GET t2',
    'GET t3',
    'GET t4',
    'GET t5',
    // trailing opcodes on a sparse string that must turn dense
    ['SET', 'p1', { hex: `${HDR}7fff${'aa'.repeat(3000)}` }],
    ['SET', 'p2', { hex: `${HDR}7fff${'00'.repeat(3000)}` }],
    ['SET', 'p3', { hex: `${HDR}7fff${'7fff'.repeat(1500)}` }],
    'PFADD p1 x',
    'PFADD p2 x',
    'PFADD p3 x',
    'STRLEN p1',
    'STRLEN p3',
    'PFADD p3 a b c d',
    'STRLEN p3',
  ),
  cmds(
    'corrupted dense registers',
    pfaddRange('d', 0, 5000),
    'PFCOUNT d',
    ['SETRANGE', 'd', '16', { hex: 'ff'.repeat(600) }],
    'PFCOUNT d',
    'GET d',
    'PFCOUNT d',
    ['SETRANGE', 'd', '16', { hex: 'ff'.repeat(12288) }],
    'PFCOUNT d',
    'PFCOUNT d',
    'GETRANGE d 0 15',
    'PFCOUNT d missing',
    ['SETRANGE', 'd', '16', { hex: 'cb'.repeat(12288) }],
    'PFCOUNT d',
    'GETRANGE d 0 15',
    ['SETRANGE', 'd', '8', { hex: '0102030405060708' }],
    'PFCOUNT d',
    ['SETRANGE', 'd', '8', { hex: '0000000000000070' }],
    'PFCOUNT d',
    'PFADD d a',
    'PFCOUNT d',
    'PFMERGE e d',
    'GETRANGE e 0 15',
  ),
  cmds(
    'the value is a string',
    'PFADD h a b c',
    'APPEND h ""',
    'STRLEN h',
    'DUMP h',
    'COPY h h2',
    'GET h2',
    'PFCOUNT h2',
    'OBJECT ENCODING h2',
    'RENAME h2 h3',
    'PFADD h3 d',
    'GET h3',
    'EXPIRE h3 100',
    'PFADD h3 e f g',
    'TTL h3',
    'PFCOUNT h3',
    'TTL h3',
    'GETRANGE h3 0 3',
    'SETRANGE h3 30 zz',
    'PFCOUNT h3',
    pfaddRange('dd', 0, 5000),
    'DUMP dd',
    evalStep(
      "local v = redis.call('GET', KEYS[1]); redis.call('SET', KEYS[2], v); local e1 = redis.call('OBJECT', 'ENCODING', KEYS[2]); local c = redis.call('PFCOUNT', KEYS[2]); return {e1, c, redis.call('OBJECT', 'ENCODING', KEYS[2])}",
      ['h', 'copy'],
    ),
    evalStep(
      "local v = redis.call('GET', KEYS[1]); redis.call('SET', KEYS[2], v); local e1 = redis.call('OBJECT', 'ENCODING', KEYS[2]); local c = redis.call('PFCOUNT', KEYS[2], 'missing'); return {e1, c, redis.call('OBJECT', 'ENCODING', KEYS[2]), redis.call('PFADD', KEYS[2]), redis.call('OBJECT', 'ENCODING', KEYS[2])}",
      ['h', 'copy2'],
    ),
    evalStep(
      "local d = redis.call('DUMP', KEYS[1]); redis.call('RESTORE', KEYS[2], 0, d); return {redis.call('PFCOUNT', KEYS[2]), redis.call('GET', KEYS[2]) == redis.call('GET', KEYS[1])}",
      ['dd', 'r'],
    ),
  ),
  cmds(
    'from scripts',
    evalStep("return redis.call('PFADD', KEYS[1], 'a', 'b', 'c')", ['k']),
    evalStep("return redis.call('PFCOUNT', KEYS[1])", ['k']),
    evalStep("return redis.call('PFMERGE', KEYS[2], KEYS[1])", ['k', 'm']),
    evalStep("return redis.call('GET', KEYS[1])", ['m']),
    evalStep("return redis.pcall('PFADD', KEYS[1], 'x')", ['str']),
    'SET str hello',
    evalStep("return redis.pcall('PFADD', KEYS[1], 'x')", ['str']),
    evalStep("return redis.call('PFCOUNT', KEYS[1])", ['str']),
    evalStep("local ok, e = pcall(redis.call, 'PFCOUNT', KEYS[1]); return e", ['str']),
    ['SETRANGE', 'k', '16', { hex: '00' }],
    evalStep("return redis.pcall('PFCOUNT', KEYS[1])", ['k']),
    evalStep("return redis.call('PFCOUNT', KEYS[1])", ['k']),
    ['EVAL_RO', "return redis.call('PFCOUNT', KEYS[1])", '1', 'm'],
    ['EVAL_RO', "return redis.call('PFCOUNT', KEYS[1], KEYS[2])", '2', 'm', 'k'],
    ['EVAL_RO', "return redis.call('PFADD', KEYS[1], 'z')", '1', 'm'],
    ['EVAL', "#!lua flags=no-writes\nreturn redis.call('PFCOUNT', KEYS[1])", '1', 'm'],
    ['EVAL', "#!lua\nreturn redis.call('PFCOUNT', KEYS[1])", '1', 'm'],
    'GET m',
  ),
]

/** The first element `e<i>` whose register is below 1024 (`below`) or not: to aim at a part of a crafted sparse string. */
function elementAt(below: boolean): string {
  for (let i = 0; ; i++) {
    patLen(Buffer.from(`e${i}`))
    if (PAT.index < 1024 === below) return `e${i}`
  }
}

/** WATCH and the HyperLogLog commands (one connection): what Redis signals as modified. */
export const HLL_WATCH_CASES: CorpusCase[] = [
  cmds('watch: pfcount computing the count aborts', 'PFADD k a b', 'WATCH k', 'PFCOUNT k', 'MULTI', 'PING', 'EXEC', 'GET k'),
  cmds('watch: pfcount of a cached count does not abort', 'PFADD k a', 'PFCOUNT k', 'WATCH k', 'PFCOUNT k', 'MULTI', 'PING', 'EXEC'),
  cmds('watch: pfcount of several keys does not abort', 'PFADD k a', 'WATCH k', 'PFCOUNT k missing', 'MULTI', 'PING', 'EXEC'),
  cmds('watch: pfadd of a counted element does not abort', 'PFADD k a', 'WATCH k', 'PFADD k a', 'PFADD k', 'MULTI', 'PING', 'EXEC'),
  cmds('watch: pfadd raising a register aborts', 'PFADD k a', 'WATCH k', 'PFADD k b', 'MULTI', 'PING', 'EXEC'),
  cmds('watch: pfadd creating the key aborts', 'WATCH k', 'PFADD k', 'MULTI', 'PING', 'EXEC'),
  cmds('watch: pfmerge aborts, even of nothing new', 'PFADD k a', 'WATCH k', 'PFMERGE k', 'MULTI', 'PING', 'EXEC', 'GET k'),
  cmds(
    'watch: pfadd from a script aborts',
    'WATCH k',
    evalStep("return redis.call('PFADD', KEYS[1], 'a')", ['k']),
    'MULTI',
    'PING',
    'EXEC',
  ),
  // registers 0-1023 only: the first element is counted, the second finds no opcode
  cmds(
    'watch: a pfadd failing on a corrupted string after a change does not abort',
    ['SET', 's', { hex: `${HDR}43ff` }],
    'WATCH s',
    ['PFADD', 's', elementAt(true), elementAt(false)],
    'MULTI',
    'PING',
    'EXEC',
    'GET s',
    ['PFADD', 's', elementAt(false)],
    'PFCOUNT s',
  ),
]

/** Seeded random PFADD, PFMERGE and PFCOUNT over a few keys, each key's bytes compared as they go. */
export function randomHllCases(seed: number, steps: number): CorpusCase {
  let state = seed >>> 0
  const next = (n: number): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state % n
  }
  const keys = ['a', 'b', 'c', 'd']
  const pick = (): string => keys[next(keys.length)] as string
  const run: Step[] = []
  for (let i = 0; i < steps; i++) {
    const r = next(20)
    if (r < 12) {
      const argv = ['PFADD', pick()]
      const n = next(4) === 0 ? next(400) : next(8)
      for (let j = 0; j < n; j++) argv.push(`r${next(next(3) === 0 ? 100000 : 2000)}`)
      run.push(argv)
    } else if (r < 15) run.push(['PFMERGE', pick(), pick(), ...(next(2) ? [pick()] : [])])
    else if (r < 18) run.push(['PFCOUNT', pick(), ...(next(2) ? [pick()] : [])])
    else run.push(['GET', pick()])
  }
  for (const k of keys) run.push(['GET', k], ['PFCOUNT', k])
  return cmds(`random hyperloglog steps (seed ${seed})`, ...run)
}
