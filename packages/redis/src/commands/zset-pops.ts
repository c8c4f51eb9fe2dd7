import { keyBytes, keyOf, parseInteger } from '../store/args.js'
import type { Keyspace } from '../store/keyspace.js'
import { multiplyLongDouble, parseLongDouble } from '../store/long-double.js'
import { doubleReply, ERR, fail, type Reply } from '../store/replies.js'
import { arg } from './command.js'
import { flatten } from './zset-ranges.js'

/** ZPOPMIN/ZPOPMAX with an optional count. */
export function popMany(ks: Keyspace, a: Buffer[], max: boolean): Reply {
  if (a.length > 2) fail(ERR.syntax)
  let count = 1
  if (a.length === 2) {
    // Redis's getPositiveLongFromObjectOrReply: one message for text and negatives
    count = parseInteger(arg(a, 1), ERR.notPositive)
    if (count < 0) fail(ERR.notPositive)
  }
  const key = keyOf(arg(a, 0))
  const z = ks.read(key, 'zset')
  if (!z) return []
  const all = z.entries()
  const picked = max ? all.slice(Math.max(0, all.length - count)).reverse() : all.slice(0, count)
  const out = flatten(picked, true)
  z.removeMany(picked.map((e) => e.member))
  ks.dropIfEmpty(key)
  return out
}

/** As Redis runs a blocking pop inside a script: never blocks, nil when every key is empty. */
export function blockingPop(ks: Keyspace, a: Buffer[], max: boolean): Reply {
  blockingTimeout(a[a.length - 1] as Buffer)
  for (const k of a.slice(0, -1)) {
    const key = keyOf(k)
    const z = ks.read(key, 'zset')
    if (!z || z.size === 0) continue
    const e = max ? z.entries()[z.size - 1] : z.entries()[0]
    if (!e) continue
    z.remove(e.member)
    ks.dropIfEmpty(key)
    return [keyBytes(key), keyBytes(e.member), doubleReply(e.score)]
  }
  return null
}

/**
 * Redis's `getTimeoutFromObjectOrReply` in seconds: a long double (`string2ld`) times 1000.0,
 * rounded to the x87's 64-bit mantissa, cast to a long long (truncated). A cast out of range
 * gives LLONG_MIN on x86-64, so `inf` and `1e400` count as negative; `-0.001` times 1000 is
 * just above -1 in long double, so it truncates to 0 and is no error, as in Redis.
 */
export function blockingTimeout(b: Buffer): void {
  const seconds = parseLongDouble(b.toString('latin1'))
  if (seconds === undefined) fail('ERR timeout is not a float or out of range')
  const ms = multiplyLongDouble(seconds, 1000n)
  if (ms.kind !== 'finite') fail('ERR timeout is negative')
  const whole = ms.exp2 >= 0 ? ms.mantissa << BigInt(ms.exp2) : ms.mantissa >> BigInt(-ms.exp2)
  if (whole >= 1n << 63n || (ms.negative && whole > 0n)) fail('ERR timeout is negative')
}
