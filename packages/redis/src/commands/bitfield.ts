import { keyOf, option, parseBigInt } from '../store/args.js'
import type { Keyspace } from '../store/keyspace.js'
import { CommandError, ERR, exactNumber, fail, type Reply } from '../store/replies.js'
import { type BitTarget, bitOffset, bitTarget, readBits, storeTarget, writeByte } from './bit-string.js'
import { arg, commands } from './command.js'

/**
 * BITFIELD and BITFIELD_RO as Redis 7.0.15's `bitfieldGeneric`: every operation is read
 * (and refused) before any runs; fields are `i1`–`i64` or `u1`–`u63`, at a bit offset or a
 * `#n` multiple of their width; OVERFLOW WRAP (the default), SAT or FAIL applies to the
 * operations after it, with Redis's own overflow checks (`checkSignedBitfieldOverflow`,
 * whose 64-bit wrap-around makes `SET i63 0 -9223372036854775808` saturate to the maximum).
 */
export const BITFIELD_COMMANDS = commands([
  ['bitfield', -2, 'w', (ks, a) => bitfield(ks, a, false)],
  ['bitfield_ro', -2, 'r', (ks, a) => bitfield(ks, a, true)],
])

// --- internal ---

type Overflow = 'WRAP' | 'SAT' | 'FAIL'

interface FieldOp {
  readonly kind: 'GET' | 'SET' | 'INCRBY'
  readonly signed: boolean
  readonly bits: number
  readonly offset: number
  readonly value: bigint
  readonly overflow: Overflow
}

const TYPE_ERR = 'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.'

function bitfield(ks: Keyspace, a: Buffer[], readOnly: boolean): Reply {
  const ops = parseOps(a)
  const key = keyOf(arg(a, 0))
  const writes = ops.filter((op) => op.kind !== 'GET')
  if (writes.length > 0 && readOnly) fail('ERR BITFIELD_RO only supports the GET subcommand')
  if (writes.length === 0) {
    const s = readBits(ks, key)
    return ops.map((op) => exactNumber(readField(s, op)))
  }
  let highest = 0
  for (const op of writes) highest = Math.max(highest, op.offset + op.bits - 1)
  const t = bitTarget(ks, key, Math.floor(highest / 8) + 1)
  let changes = 0
  const replies = ops.map((op): Reply => {
    if (op.kind === 'GET') return exactNumber(readField(t.bytes, op))
    const old = readField(t.bytes, op)
    const incr = op.kind === 'INCRBY' ? op.value : 0n
    const from = op.kind === 'INCRBY' ? old : op.signed ? op.value : BigInt.asUintN(64, op.value)
    const { overflow, limit } = (op.signed ? signedOverflow : unsignedOverflow)(from, incr, op.bits, op.overflow)
    // FAIL leaves the field as it is and answers nil
    if (overflow && op.overflow === 'FAIL') return null
    const next = overflow ? (limit as bigint) : from + incr
    writeField(t, op, next)
    // as SETBIT: writing the value a field has into a string neither created nor grown changes nothing (WATCH)
    if (t.dirty || next !== old) changes++
    return exactNumber(op.kind === 'INCRBY' ? next : old)
  })
  storeTarget(ks, key, t, changes > 0)
  return replies
}

function parseOps(a: Buffer[]): FieldOp[] {
  const ops: FieldOp[] = []
  let overflow: Overflow = 'WRAP'
  for (let j = 1; j < a.length; j++) {
    const rest = a.length - j - 1
    const sub = option(a[j])
    if (sub === 'OVERFLOW' && rest >= 1) {
      const o = option(a[++j])
      if (o !== 'WRAP' && o !== 'SAT' && o !== 'FAIL') fail('ERR Invalid OVERFLOW type specified')
      overflow = o
      continue
    }
    if (!((sub === 'GET' && rest >= 2) || ((sub === 'SET' || sub === 'INCRBY') && rest >= 3))) fail(ERR.syntax)
    const { signed, bits } = fieldType(arg(a, j + 1))
    const offset = Number(bitOffset(arg(a, j + 2), bits))
    const value = sub === 'GET' ? 0n : parseBigInt(arg(a, j + 3))
    ops.push({ kind: sub as FieldOp['kind'], signed, bits, offset, value, overflow })
    j += sub === 'GET' ? 2 : 3
  }
  return ops
}

/** `i<bits>` (1–64) or `u<bits>` (1–63), the letter in lower case, the number up to a NUL. */
function fieldType(a: Buffer): { signed: boolean; bits: number } {
  const signed = a[0] === 0x69
  if (!signed && a[0] !== 0x75) throw new CommandError(TYPE_ERR)
  const nul = a.indexOf(0, 1)
  const bits = parseBigInt(a.subarray(1, nul < 0 ? a.length : nul), TYPE_ERR)
  if (bits < 1n || bits > (signed ? 64n : 63n)) fail(TYPE_ERR)
  return { signed, bits: Number(bits) }
}

/** The field's value (bits past the end of the string read as zeros), sign-extended for `i` types. */
function readField(s: Buffer | undefined, op: FieldOp): bigint {
  let v = 0n
  for (let i = op.offset, end = op.offset + op.bits; i < end; i++) {
    const byte = s === undefined || Math.floor(i / 8) >= s.length ? 0 : (s[Math.floor(i / 8)] as number)
    v = (v << 1n) | BigInt((byte >> (7 - (i % 8))) & 1)
  }
  return op.signed ? BigInt.asIntN(op.bits, v) : v
}

/** Writes the low `bits` bits of `value`, most significant first. */
function writeField(t: BitTarget, op: FieldOp, value: bigint): void {
  const v = BigInt.asUintN(op.bits, value)
  for (let j = 0; j < op.bits; j++) {
    const i = op.offset + j
    const index = Math.floor(i / 8)
    const mask = 1 << (7 - (i % 8))
    const byte = t.bytes[index] as number
    const next = (v >> BigInt(op.bits - 1 - j)) & 1n ? byte | mask : byte & ~mask
    if (next !== byte) writeByte(t, index, next)
  }
}

interface Checked {
  readonly overflow: number
  readonly limit?: bigint
}

/** Redis's `checkUnsignedBitfieldOverflow`, its 64-bit arithmetic included. */
function unsignedOverflow(value: bigint, incr: bigint, bits: number, ow: Overflow): Checked {
  const max = (1n << BigInt(bits)) - 1n
  const maxIncr = BigInt.asIntN(64, max - value)
  const minIncr = BigInt.asIntN(64, -value)
  const wrap = BigInt.asUintN(bits, value + incr)
  if (value > max || (incr > 0n && incr > maxIncr)) return { overflow: 1, limit: ow === 'WRAP' ? wrap : max }
  if (incr < 0n && incr < minIncr) return { overflow: -1, limit: ow === 'WRAP' ? wrap : 0n }
  return { overflow: 0 }
}

/** Redis's `checkSignedBitfieldOverflow`, its 64-bit arithmetic included. */
function signedOverflow(value: bigint, incr: bigint, bits: number, ow: Overflow): Checked {
  const max = (1n << BigInt(bits - 1)) - 1n
  const min = -max - 1n
  const maxIncr = BigInt.asIntN(64, max - value)
  const minIncr = BigInt.asIntN(64, min - value)
  const wrap = BigInt.asIntN(bits, value + incr)
  const full = bits === 64
  if (value > max || (!full && incr > maxIncr) || (value >= 0n && incr > 0n && incr > maxIncr)) {
    return { overflow: 1, limit: ow === 'WRAP' ? wrap : max }
  }
  if (value < min || (!full && incr < minIncr) || (value < 0n && incr < 0n && incr < minIncr)) {
    return { overflow: -1, limit: ow === 'WRAP' ? wrap : min }
  }
  return { overflow: 0 }
}
