import { keyBytes, keyOf, tryInteger } from '../store/args.js'
import { arg, commands } from './command.js'
import { difference, intersection, union } from './set-stores.js'

/**
 * Set commands. Member order: sets of integers come back sorted as Redis's intset encoding
 * returns them; other sets in insertion order (Redis's hash-table order is not specified).
 */
export const SET_COMMANDS = commands([
  [
    'sadd',
    -3,
    'w',
    (ks, a) => {
      const s = ks.write(keyOf(arg(a, 0)), 'set')
      let n = 0
      for (const m of a.slice(1)) {
        const k = keyOf(m)
        if (!s.has(k)) {
          s.add(k)
          n++
        }
      }
      return n
    },
  ],
  [
    'srem',
    -3,
    'w',
    (ks, a) => {
      const key = keyOf(arg(a, 0))
      const s = ks.read(key, 'set')
      if (!s) return 0
      let n = 0
      for (const m of a.slice(1)) if (s.delete(keyOf(m))) n++
      ks.dropIfEmpty(key)
      return n
    },
  ],
  ['smembers', 2, 'r', (ks, a) => members(ks.read(keyOf(arg(a, 0)), 'set') ?? new Set())],
  ['sismember', 3, 'r', (ks, a) => (ks.read(keyOf(arg(a, 0)), 'set')?.has(keyOf(arg(a, 1))) ? 1 : 0)],
  [
    'smismember',
    -3,
    'r',
    (ks, a) => {
      const s = ks.read(keyOf(arg(a, 0)), 'set')
      return a.slice(1).map((m) => (s?.has(keyOf(m)) ? 1 : 0))
    },
  ],
  ['scard', 2, 'r', (ks, a) => ks.read(keyOf(arg(a, 0)), 'set')?.size ?? 0],
  [
    'smove',
    4,
    'w',
    (ks, a) => {
      const src = keyOf(arg(a, 0))
      const dst = keyOf(arg(a, 1))
      // a missing source answers 0 before either key's type is checked
      if (!ks.get(src)) return 0
      const s = ks.read(src, 'set') as Set<string>
      ks.read(dst, 'set')
      const m = keyOf(arg(a, 2))
      if (src === dst) return s.has(m) ? 1 : 0
      if (!s.has(m)) return 0
      s.delete(m)
      ks.dropIfEmpty(src)
      ks.write(dst, 'set').add(m)
      return 1
    },
  ],
  ['sinter', -2, 'r', (ks, a) => members(intersection(ks, a))],
  ['sunion', -2, 'r', (ks, a) => members(union(ks, a))],
  ['sdiff', -2, 'r', (ks, a) => members(difference(ks, a))],
])

/** Redis 7.0's default `set-max-intset-entries`. */
const INTSET_MAX_ENTRIES = 512

/** Whether Redis would hold the set as an intset: at most 512 members, every one a 64-bit integer. */
export function isIntset(s: ReadonlySet<string>): boolean {
  if (s.size > INTSET_MAX_ENTRIES || (s as { hashtable?: boolean }).hashtable) return false
  for (const m of s) if (tryInteger(Buffer.from(m, 'latin1')) === undefined) return false
  return true
}

/** A whole set as Redis replies it: an intset sorted, other sets in insertion order. */
export function members(s: ReadonlySet<string>): Buffer[] {
  const list = [...s]
  if (isIntset(s)) list.sort((x, y) => Number(x) - Number(y))
  return list.map(keyBytes)
}
