import { keyOf } from '../store/args.js'
import type { Keyspace, RedisValue, StringForm } from '../store/keyspace.js'
import { CommandError, ERR, exactNumber, fail, OK, type Reply } from '../store/replies.js'
import { arg, commands } from './command.js'
import {
  denseHisto,
  denseRaise,
  estimate,
  HLL_DENSE,
  HLL_REGISTERS,
  INVALID_HLL_ERR,
  invalidateCache,
  isHll,
  NOT_HLL_ERR,
  PAT,
  patLen,
  readCard,
  writeCard,
} from './hll-core.js'
import { mergeInto, sparseHisto } from './hll-read.js'
import { bytesOf, type HllWork, newHll, sparseSet, sparseToDense, workOf } from './hll-sparse.js'

/**
 * PFADD, PFCOUNT and PFMERGE as Redis 7.0.15's hyperloglog.c: the value is an ordinary string
 * (GET answers redis-server's bytes), created sparse and turned dense where Redis turns it.
 * PFCOUNT of one key writes the cardinality it computes back into the value (a WATCH signal,
 * refused in read-only scripts as Redis's `may-replicate` commands are); of several keys it
 * merges them aside and writes nothing. A key named twice in PFCOUNT or PFMERGE is read once
 * (merging is idempotent), so repeating a key cannot make one call walk it millions of times.
 */
export const HLL_COMMANDS = commands([
  ['pfadd', -2, 'w', pfadd],
  ['pfcount', -2, 'w', pfcount],
  ['pfmerge', -2, 'w', pfmerge],
])

// --- internal ---

function pfadd(ks: Keyspace, a: Buffer[]): Reply {
  const key = keyOf(arg(a, 0))
  const entry = hllEntry(ks, key)
  let updated = entry === undefined ? 1 : 0
  const h = entry === undefined ? newHll() : work(ks, entry.value)
  const error = guarded(() => {
    for (let j = 1; j < a.length; j++) {
      patLen(arg(a, j))
      const r = h.b[4] === HLL_DENSE ? denseRaise(h.b, PAT.index, PAT.count) : sparseSet(h, PAT.index, PAT.count)
      if (r === -1) return INVALID_HLL_ERR
      updated += r
    }
    return undefined
  })
  if (error !== undefined) {
    // what the elements before changed stays, unsignalled, as in Redis
    save(ks, key, entry, h, false)
    fail(error)
  }
  if (updated === 0) {
    markRaw(entry)
    return 0
  }
  invalidateCache(h.b)
  save(ks, key, entry, h, true)
  return 1
}

function pfcount(ks: Keyspace, a: Buffer[]): Reply {
  if (a.length > 1) {
    const max = new Uint8Array(HLL_REGISTERS)
    for (const key of distinct(a)) {
      const entry = hllEntry(ks, key)
      if (entry !== undefined && !mergeInto(max, entry.value)) fail(INVALID_HLL_ERR)
    }
    const histo = new Int32Array(64)
    for (let i = 0; i < HLL_REGISTERS; i++) (histo[max[i] as number] as number)++
    return signed(estimate(histo))
  }
  const key = keyOf(arg(a, 0))
  const entry = hllEntry(ks, key)
  if (entry === undefined) return 0
  markRaw(entry)
  const v = entry.value
  if (((v[15] as number) & 0x80) === 0) return signed(readCard(v))
  const histo = new Int32Array(64)
  if (v[4] === HLL_DENSE) denseHisto(v, histo)
  else if (!sparseHisto(v, histo)) fail(INVALID_HLL_ERR)
  const card = estimate(histo)
  const h = work(ks, v)
  writeCard(h.b, card)
  save(ks, key, entry, h, true)
  return signed(card)
}

function pfmerge(ks: Keyspace, a: Buffer[]): Reply {
  const max = new Uint8Array(HLL_REGISTERS)
  let useDense = false
  for (const key of distinct(a)) {
    const entry = hllEntry(ks, key)
    if (entry === undefined) continue
    if (entry.value[4] === HLL_DENSE) useDense = true
    if (!mergeInto(max, entry.value)) fail(INVALID_HLL_ERR)
  }
  const dest = keyOf(arg(a, 0))
  const entry = ks.getUnshared(dest) as StringEntry | undefined
  const h = entry === undefined ? newHll() : work(ks, entry.value)
  if (useDense && !sparseToDense(h)) fail(INVALID_HLL_ERR)
  const error = guarded(() => {
    for (let j = 0; j < HLL_REGISTERS; j++) {
      const m = max[j] as number
      if (m === 0) continue
      if (h.b[4] === HLL_DENSE) denseRaise(h.b, j, m)
      else sparseSet(h, j, m)
    }
    return undefined
  })
  if (error !== undefined) {
    save(ks, dest, entry, h, false)
    fail(error)
  }
  invalidateCache(h.b)
  save(ks, dest, entry, h, true)
  return OK
}

export type StringEntry = Extract<RedisValue, { type: 'string' }>

/** The string at `key` when it is an HLL (`isHLLObjectOrReply`), undefined when missing. */
export function hllEntry(ks: Keyspace, key: string): StringEntry | undefined {
  const entry = ks.getUnshared(key)
  if (entry === undefined) return undefined
  if (entry.type !== 'string') fail(ERR.wrongType)
  if (!isHll(entry.value)) fail(NOT_HLL_ERR)
  return entry
}

/** The keys of `a`, each once, in order of first appearance. */
function distinct(a: Buffer[]): Set<string> {
  return new Set(a.map(keyOf))
}

/** The value to write: in place when only the store holds a dense one, else a copy. */
export function work(ks: Keyspace, value: Buffer): HllWork {
  if (value[4] === HLL_DENSE && ks.isExclusive(value)) return { b: value, len: value.length, moved: 0 }
  return workOf(value)
}

/** Runs `f`, answering a CommandError's message (the sparse move bound) as an error to reply with. */
function guarded(f: () => string | undefined): string | undefined {
  try {
    return f()
  } catch (e) {
    if (e instanceof CommandError) return e.message
    throw e
  }
}

/** Stores the HLL raw with the key's TTL, signalled for WATCH or not (as a failed PFADD's partial writes). */
export function save(ks: Keyspace, key: string, entry: StringEntry | undefined, h: HllWork, signal: boolean): void {
  const bytes = bytesOf(h)
  ks.set(key, { type: 'string', value: bytes, form: 'raw' }, true)
  if (!signal) ks.unsignalled.set(key, entry)
  ks.markExclusive(bytes)
}

/** Redis's `dbUnshareStringValue` of an entry kept: held raw from then on. */
export function markRaw(entry: StringEntry | undefined): void {
  if (entry !== undefined) (entry as { form?: StringForm }).form = 'raw'
}

/** A uint64 as Redis's `addReplyLongLong` prints it. */
function signed(n: bigint): Reply {
  return exactNumber(BigInt.asIntN(64, n))
}
