import { keyOf, option } from '../store/args.js'
import { cString } from '../store/c-numbers.js'
import type { Keyspace } from '../store/keyspace.js'
import { fail, type Reply, StatusReply } from '../store/replies.js'
import { arg, commands } from './command.js'
import { denseGet, HLL_DENSE, HLL_HDR_SIZE, HLL_REGISTERS, INVALID_HLL_ERR } from './hll-core.js'
import { sparseToDense } from './hll-sparse.js'
import { hllEntry, markRaw, save, type StringEntry, work } from './hyperloglog.js'

/**
 * PFDEBUG as Redis 7.0.15's `pfdebugCommand` (arity 3, a write command): the key looked up
 * first (`ERR The specified key does not exist`, then the HLL checks), its value held raw from
 * then on (`dbUnshareStringValue`) whatever the subcommand, then GETREG (turns a sparse HLL
 * dense, unsignalled, and answers its 16384 registers), DECODE (a sparse HLL's opcodes as
 * text), ENCODING and TODENSE (1 when it turned it dense).
 */
export const HLL_DEBUG_COMMANDS = commands([['pfdebug', 3, 'w', pfdebug]])

// --- internal ---

function pfdebug(ks: Keyspace, a: Buffer[]): Reply {
  const key = keyOf(arg(a, 1))
  const entry = hllEntry(ks, key)
  if (entry === undefined) fail('ERR The specified key does not exist')
  markRaw(entry)
  const sparse = entry.value[4] !== HLL_DENSE
  switch (option(arg(a, 0))) {
    case 'GETREG': {
      const v = sparse ? toDense(ks, key, entry) : entry.value
      return Array.from({ length: HLL_REGISTERS }, (_, i) => denseGet(v, i))
    }
    case 'DECODE':
      if (!sparse) fail('ERR HLL encoding is not sparse')
      return Buffer.from(decode(entry.value), 'latin1')
    case 'ENCODING':
      return new StatusReply(sparse ? 'sparse' : 'dense')
    case 'TODENSE':
      if (sparse) toDense(ks, key, entry)
      return sparse ? 1 : 0
    default: {
      // addReplyErrorFormat: the name up to a NUL byte, line breaks as spaces
      const name = cString(arg(a, 0).toString('latin1')).replace(/[\r\n]/g, ' ')
      fail(`ERR Unknown PFDEBUG subcommand '${name}'`)
    }
  }
}

/** `hllSparseToDense` of the stored value, saved without a WATCH signal (Redis only counts it dirty). */
function toDense(ks: Keyspace, key: string, entry: StringEntry): Buffer {
  const h = work(ks, entry.value)
  if (!sparseToDense(h)) fail(INVALID_HLL_ERR)
  save(ks, key, entry, h, false)
  return (ks.peek(key) as StringEntry).value
}

/** The sparse opcodes as `z:len`, `Z:len` and `v:value,len`, space-separated (`sdstrim` drops the last space). */
function decode(s: Buffer): string {
  const out: string[] = []
  for (let p = HLL_HDR_SIZE; p < s.length; ) {
    const op = s[p] as number
    if ((op & 0xc0) === 0) {
      out.push(`z:${(op & 0x3f) + 1}`)
      p++
    } else if ((op & 0xc0) === 0x40) {
      // the byte after the last is sds's terminator, 0
      out.push(`Z:${(((op & 0x3f) << 8) | ((s[p + 1] as number | undefined) ?? 0)) + 1}`)
      p += 2
    } else {
      out.push(`v:${((op >> 2) & 0x1f) + 1},${(op & 3) + 1}`)
      p++
    }
  }
  return out.join(' ')
}
