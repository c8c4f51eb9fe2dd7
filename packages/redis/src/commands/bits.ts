import { keyOf, option, parseBigInt } from '../store/args.js'
import type { Keyspace } from '../store/keyspace.js'
import { CommandError, ERR, fail, type Reply } from '../store/replies.js'
import { bitOffset, bitTarget, readBits, storeTarget, writeByte } from './bit-string.js'
import { arg, commands } from './command.js'

/**
 * SETBIT, GETBIT, BITCOUNT, BITPOS and BITOP as Redis 7.0.15's bitops.c has them: the same
 * argument order and errors (a missing key answers before its range is read), bits counted
 * from the most significant bit of each byte, BYTE or BIT ranges. Corpus: `test/corpus/bits.ts`.
 */
export const BIT_COMMANDS = commands([
  ['setbit', 4, 'w', setbit],
  ['getbit', 3, 'r', getbit],
  ['bitcount', -2, 'r', bitcount],
  ['bitpos', -3, 'r', bitpos],
  ['bitop', -4, 'w', bitop],
])

// --- internal ---

const BIT_ERR = 'ERR bit is not an integer or out of range'

function setbit(ks: Keyspace, a: Buffer[]): Reply {
  const offset = bitOffset(arg(a, 1))
  const on = parseBigInt(arg(a, 2), BIT_ERR)
  if (on !== 0n && on !== 1n) fail(BIT_ERR)
  const key = keyOf(arg(a, 0))
  const byte = Number(offset >> 3n)
  const mask = 1 << (7 - Number(offset & 7n))
  const t = bitTarget(ks, key, byte + 1)
  const old = (t.bytes[byte] as number) & mask ? 1 : 0
  // an unchanged bit of a key neither created nor grown is no modification (WATCH)
  const changed = t.dirty || old !== Number(on)
  if (changed) writeByte(t, byte, on ? (t.bytes[byte] as number) | mask : (t.bytes[byte] as number) & ~mask)
  storeTarget(ks, key, t, changed)
  return old
}

function getbit(ks: Keyspace, a: Buffer[]): Reply {
  const offset = bitOffset(arg(a, 1))
  const s = readBits(ks, keyOf(arg(a, 0)))
  const byte = Number(offset >> 3n)
  if (s === undefined || byte >= s.length) return 0
  return (s[byte] as number) & (1 << (7 - Number(offset & 7n))) ? 1 : 0
}

/** A range of bits, both ends included (bit 0 is the top bit of byte 0). */
interface BitRange {
  from: number
  to: number
}

function bitcount(ks: Keyspace, a: Buffer[]): Reply {
  const s = readBits(ks, keyOf(arg(a, 0)))
  if (s === undefined) return 0
  if (a.length === 1) return countBits(s, 0, s.length * 8 - 1)
  if (a.length !== 3 && a.length !== 4) fail(ERR.syntax)
  let start = parseBigInt(arg(a, 1))
  let end = parseBigInt(arg(a, 2))
  // as Redis: two negative ends the wrong way round answer 0 before the unit is read
  if (start < 0n && end < 0n && start > end) return 0
  const isBit = a.length === 4 && unit(arg(a, 3))
  const total = BigInt(s.length) * (isBit ? 8n : 1n)
  if (start < 0n) start += total
  if (end < 0n) end += total
  if (start < 0n) start = 0n
  if (end < 0n) end = 0n
  if (end >= total) end = total - 1n
  if (start > end) return 0
  return isBit ? countBits(s, Number(start), Number(end)) : countBits(s, Number(start) * 8, Number(end) * 8 + 7)
}

function bitpos(ks: Keyspace, a: Buffer[]): Reply {
  const bit = parseBigInt(arg(a, 1))
  if (bit !== 0n && bit !== 1n) fail('ERR The bit argument must be 1 or 0.')
  const s = ks.get(keyOf(arg(a, 0)))
  // a missing key is an endless run of zeros
  if (s === undefined) return bit === 1n ? -1 : 0
  if (s.type !== 'string') fail(ERR.wrongType)
  const bytes = s.value
  if (a.length > 5) fail(ERR.syntax)
  let start = 0n
  let end = BigInt(bytes.length) - 1n
  let isBit = false
  const endGiven = a.length >= 4
  if (a.length >= 3) {
    start = parseBigInt(arg(a, 2))
    // the unit is read before the end, as Redis reads them
    isBit = a.length === 5 && unit(arg(a, 4))
    if (endGiven) end = parseBigInt(arg(a, 3))
    const total = BigInt(bytes.length) * (isBit ? 8n : 1n)
    if (start < 0n) start += total
    if (end < 0n) end += total
    if (start < 0n) start = 0n
    if (end < 0n) end = 0n
    if (end >= total) end = total - 1n
  }
  // an empty range holds neither a 0 nor a 1
  if (start > end) return -1
  const range: BitRange = isBit ? { from: Number(start), to: Number(end) } : { from: Number(start) * 8, to: Number(end) * 8 + 7 }
  const at = findBit(bytes, range, bit === 1n)
  if (at >= 0) return at
  // no clear bit in the string: the zeros past its end, unless the range has an explicit end
  return bit === 0n && !endGiven ? range.to + 1 : -1
}

/** BYTE or BIT (compared as C strings, any case); a syntax error otherwise. */
function unit(a: Buffer): boolean {
  const u = option(a)
  if (u === 'BIT') return true
  if (u === 'BYTE') return false
  throw new CommandError(ERR.syntax)
}

const POPCOUNT = Uint8Array.from({ length: 256 }, (_, b) => {
  let n = 0
  for (let x = b; x > 0; x >>= 1) n += x & 1
  return n
})

/** Set bits from bit `from` to bit `to`, both included (bit 0 is the top bit of byte 0). */
function countBits(s: Buffer, from: number, to: number): number {
  if (from > to) return 0
  const first = from >>> 3
  const last = to >>> 3
  let n = 0
  for (let i = first; i <= last; i++) n += POPCOUNT[s[i] as number] as number
  // the bits of the edge bytes outside the range
  n -= POPCOUNT[(s[first] as number) & ~(0xff >> (from & 7)) & 0xff] as number
  n -= POPCOUNT[(s[last] as number) & (0xff >> ((to & 7) + 1))] as number
  return n
}

/** The first bit equal to `one` in the range, or -1. */
function findBit(s: Buffer, r: BitRange, one: boolean): number {
  const skip = one ? 0 : 0xff
  for (let bit = r.from; bit <= r.to; ) {
    const byte = s[bit >>> 3] as number
    // whole bytes without the bit wanted are skipped
    if ((bit & 7) === 0 && bit + 7 <= r.to && byte === skip) {
      bit += 8
      continue
    }
    if (((byte >> (7 - (bit & 7))) & 1) === (one ? 1 : 0)) return bit
    bit++
  }
  return -1
}

const BITOPS: Record<string, (x: number, y: number) => number> = {
  AND: (x, y) => x & y,
  OR: (x, y) => x | y,
  XOR: (x, y) => x ^ y,
}

function bitop(ks: Keyspace, a: Buffer[]): Reply {
  const op = option(arg(a, 0))
  if (op !== 'NOT' && BITOPS[op] === undefined) fail(ERR.syntax)
  if (op === 'NOT' && a.length !== 3) fail('ERR BITOP NOT must be called with a single source key.')
  const dest = keyOf(arg(a, 1))
  // missing keys are empty strings; any other type is refused before anything is written
  const sources = a.slice(2).map((k) => readBits(ks, keyOf(k)) ?? Buffer.alloc(0))
  let length = 0
  for (const s of sources) length = Math.max(length, s.length)
  if (length === 0) {
    ks.delete(dest)
    return 0
  }
  const old = ks.get(dest)
  ks.admit(length - (old?.type === 'string' ? old.value.length : 0))
  const out = Buffer.alloc(length)
  if (op === 'NOT') {
    const s = sources[0] as Buffer
    for (let i = 0; i < length; i++) out[i] = ~(s[i] as number) & 0xff
  } else {
    const f = BITOPS[op] as (x: number, y: number) => number
    // a key named again changes nothing (AND, OR) or cancels out in pairs (XOR): each distinct
    // value is read once, so repeating a big key cannot make one command run for minutes
    const distinct = distinctSources(a.slice(2), sources, op === 'XOR')
    if (op !== 'XOR') out.set(sources[0] as Buffer)
    for (const s of distinct) {
      for (let i = 0; i < s.length; i++) out[i] = f(out[i] as number, s[i] as number)
      // AND with a shorter string: zeros past its end
      if (op === 'AND') out.fill(0, s.length)
    }
  }
  // a new value, its TTL dropped, held raw (Redis's createObject over the result)
  ks.set(dest, { type: 'string', value: out, form: 'raw' })
  return length
}

/** The sources each read once (by key name); for XOR, only those named an odd number of times. */
function distinctSources(keys: Buffer[], sources: Buffer[], xor: boolean): Buffer[] {
  const count = new Map<string, { s: Buffer; n: number }>()
  keys.forEach((k, i) => {
    const e = count.get(keyOf(k))
    if (e) e.n++
    else count.set(keyOf(k), { s: sources[i] as Buffer, n: 1 })
  })
  return [...count.values()].filter((e) => !xor || e.n % 2 === 1).map((e) => e.s)
}
