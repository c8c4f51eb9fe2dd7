import { keyOf, option, parseBigInt } from '../store/args.js'
import type { Keyspace } from '../store/keyspace.js'
import { ERR, fail } from '../store/replies.js'
import { arg, commands } from './command.js'

/**
 * The set algebra of SINTER, SUNION and SDIFF over keys (a missing key is an empty set, any
 * other type WRONGTYPE, checked for every key first as Redis does), and the commands that
 * store or count its result: SINTERSTORE, SUNIONSTORE, SDIFFSTORE, SINTERCARD.
 */
export const SET_STORE_COMMANDS = commands([
  ['sinterstore', -3, 'w', (ks, a) => store(ks, arg(a, 0), intersection(ks, a.slice(1)))],
  ['sunionstore', -3, 'w', (ks, a) => store(ks, arg(a, 0), union(ks, a.slice(1)))],
  ['sdiffstore', -3, 'w', (ks, a) => store(ks, arg(a, 0), difference(ks, a.slice(1)))],
  [
    'sintercard',
    -3,
    'r',
    (ks, a) => {
      const numkeys = parseBigInt(arg(a, 0), 'ERR numkeys should be greater than 0')
      if (numkeys < 1n) fail('ERR numkeys should be greater than 0')
      if (numkeys > BigInt(a.length - 1)) fail("ERR Number of keys can't be greater than number of args")
      const n = Number(numkeys)
      let limit = 0n
      for (let i = 1 + n; i < a.length; i++) {
        if (option(a[i]) === 'LIMIT' && i + 1 < a.length) {
          limit = parseBigInt(arg(a, ++i), "ERR LIMIT can't be negative")
          if (limit < 0n) fail("ERR LIMIT can't be negative")
        } else fail(ERR.syntax)
      }
      const size = intersection(ks, a.slice(1, 1 + n)).size
      return limit > 0n && BigInt(size) > limit ? Number(limit) : size
    },
  ],
])

/** The members in every one of the sets at `keys`. */
export function intersection(ks: Keyspace, keys: readonly Buffer[]): Set<string> {
  const sets = keys.map((k) => ks.read(keyOf(k), 'set'))
  if (sets.some((s) => !s)) return new Set()
  const [first, ...rest] = sets as Set<string>[]
  return new Set([...(first as Set<string>)].filter((m) => rest.every((s) => s.has(m))))
}

/** The members in any of the sets at `keys`. */
export function union(ks: Keyspace, keys: readonly Buffer[]): Set<string> {
  const sets = keys.map((k) => ks.read(keyOf(k), 'set'))
  const out = new Set<string>()
  for (const s of sets) for (const m of s ?? []) out.add(m)
  return out
}

/** The members of the first set at `keys` in none of the others. */
export function difference(ks: Keyspace, keys: readonly Buffer[]): Set<string> {
  const sets = keys.map((k) => ks.read(keyOf(k), 'set'))
  const out = new Set(sets[0] ?? [])
  for (const s of sets.slice(1)) for (const m of s ?? []) out.delete(m)
  return out
}

// --- internal ---

/** Replaces `dst` with `members` (its TTL dropped) or deletes it when empty; the size. */
function store(ks: Keyspace, dst: Buffer, members: Set<string>): number {
  const key = keyOf(dst)
  ks.delete(key)
  if (members.size === 0) return 0
  const s = ks.write(key, 'set')
  for (const m of members) s.add(m)
  return members.size
}
