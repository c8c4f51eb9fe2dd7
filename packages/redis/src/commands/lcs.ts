import { keyOf, option, parseBigInt } from '../store/args.js'
import type { Keyspace } from '../store/keyspace.js'
import { ERR, fail, type Reply } from '../store/replies.js'
import { arg, commands } from './command.js'

/**
 * The most cells (bytes of one string + 1 times bytes of the other + 1) of the table LCS
 * builds for the string or IDX: 16M, 64 MB of host memory. Redis allows up to its
 * `proto-max-bulk-len` (512 MB of table); past this bound those forms answer an error of
 * their own here, so a script cannot make the host hold half a gigabyte for one call. LEN
 * needs two rows only and goes up to Redis's bound.
 */
export const LCS_MAX_TABLE_CELLS = 16 * 1024 * 1024

/** Redis's `proto-max-bulk-len`, the bound of LCS's table in bytes (4 per cell). */
const PROTO_MAX_BULK_LEN = 512 * 1024 * 1024

/**
 * LCS as Redis 7.0.15's `lcsCommand`: both keys read first (a non-string one answers
 * `ERR The specified keys must contain string values`, a missing one is ""), then the
 * options (LEN, IDX, MINMATCHLEN n, WITHMATCHLEN) in order, then LEN with IDX refused, then
 * the table's size; the common subsequence and its ranges as Redis's walk back through the
 * table finds them (the last ranges first).
 */
export const LCS_COMMANDS = commands([['lcs', -3, 'r', lcs]])

// --- internal ---

function lcs(ks: Keyspace, a: Buffer[]): Reply {
  const x = ks.get(keyOf(arg(a, 0)))
  const y = ks.get(keyOf(arg(a, 1)))
  if ((x && x.type !== 'string') || (y && y.type !== 'string')) fail('ERR The specified keys must contain string values')
  const s = x?.type === 'string' ? x.value : Buffer.alloc(0)
  const t = y?.type === 'string' ? y.value : Buffer.alloc(0)
  let getLen = false
  let getIdx = false
  let withMatchLen = false
  let minMatchLen = 0
  for (let j = 2; j < a.length; j++) {
    const o = option(a[j])
    if (o === 'IDX') getIdx = true
    else if (o === 'LEN') getLen = true
    else if (o === 'WITHMATCHLEN') withMatchLen = true
    else if (o === 'MINMATCHLEN' && j + 1 < a.length) {
      const n = parseBigInt(arg(a, ++j))
      minMatchLen = n < 0n ? 0 : Number(n)
    } else fail(ERR.syntax)
  }
  if (getIdx && getLen) fail('ERR If you want both the length and indexes, please just use IDX.')
  const cells = (s.length + 1) * (t.length + 1)
  if (cells * 4 > PROTO_MAX_BULK_LEN) fail('ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len')
  if (getLen) return lcsLength(s, t)
  if (cells > LCS_MAX_TABLE_CELLS) {
    fail(`ERR LCS with IDX or of the string itself needs a table of ${cells} cells, more than this store's limit of ${LCS_MAX_TABLE_CELLS}`)
  }
  return walk(s, t, table(s, t), getIdx, minMatchLen, withMatchLen)
}

/** LCS(i, j) for every prefix pair, row by row: `dp[j + (blen + 1) * i]`, as Redis's table. */
function table(a: Buffer, b: Buffer): Uint32Array {
  const w = b.length + 1
  const dp = new Uint32Array((a.length + 1) * w)
  for (let i = 1; i <= a.length; i++) {
    const ai = a[i - 1]
    const row = i * w
    const up = row - w
    for (let j = 1; j <= b.length; j++) {
      if (ai === b[j - 1]) dp[row + j] = (dp[up + j - 1] as number) + 1
      else {
        dp[row + j] = Math.max(dp[up + j] as number, dp[row + j - 1] as number)
      }
    }
  }
  return dp
}

/** The length alone, from two rows of the table. */
function lcsLength(a: Buffer, b: Buffer): number {
  let prev = new Uint32Array(b.length + 1)
  let cur = new Uint32Array(b.length + 1)
  for (let i = 1; i <= a.length; i++) {
    const ai = a[i - 1]
    for (let j = 1; j <= b.length; j++) {
      if (ai === b[j - 1]) cur[j] = (prev[j - 1] as number) + 1
      else {
        cur[j] = Math.max(prev[j] as number, cur[j - 1] as number)
      }
    }
    ;[prev, cur] = [cur, prev]
  }
  return prev[b.length] as number
}

/** Redis's walk back from (alen, blen): the subsequence's bytes, and the matching ranges where IDX asks for them. */
function walk(a: Buffer, b: Buffer, dp: Uint32Array, getIdx: boolean, minMatchLen: number, withMatchLen: boolean): Reply {
  const w = b.length + 1
  const alen = a.length
  let idx = dp[alen * w + b.length] as number
  const total = idx
  const result = Buffer.alloc(idx)
  const matches: Reply[] = []
  let aStart = alen
  let aEnd = 0
  let bStart = 0
  let bEnd = 0
  let i = alen
  let j = b.length
  while (i > 0 && j > 0) {
    let emit = false
    if (a[i - 1] === b[j - 1]) {
      result[idx - 1] = a[i - 1] as number
      if (aStart === alen) {
        aStart = i - 1
        aEnd = i - 1
        bStart = j - 1
        bEnd = j - 1
      } else if (aStart === i && bStart === j) {
        aStart--
        bStart--
      } else emit = true
      if (aStart === 0 || bStart === 0) emit = true
      idx--
      i--
      j--
    } else {
      if ((dp[(i - 1) * w + j] as number) > (dp[i * w + j - 1] as number)) i--
      else j--
      if (aStart !== alen) emit = true
    }
    if (emit) {
      const len = aEnd - aStart + 1
      if (getIdx && (minMatchLen === 0 || len >= minMatchLen)) {
        const range: Reply[] = [
          [aStart, aEnd],
          [bStart, bEnd],
        ]
        if (withMatchLen) range.push(len)
        matches.push(range)
      }
      aStart = alen
    }
  }
  if (getIdx) return [Buffer.from('matches'), matches, Buffer.from('len'), total]
  return result
}
