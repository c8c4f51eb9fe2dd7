import type { SecurityManager } from '@polyhost/core/engine'

/** A member of a library and whether the policy keeps it. */
export interface MemberDecision {
  readonly key: Uint8Array
  readonly keep: boolean
}

/**
 * The policy's decisions on a library's members, in the order `lua_next` visits the table
 * `luaopen_*` makes: the same order for every state of this fengari build, so each state
 * finds its member's decision at the same index (after checking the name byte for byte; a
 * different name there is decided anew) instead of decoding every name and asking the policy.
 */
const DECISIONS = new WeakMap<SecurityManager, Map<string, MemberDecision[]>>()

/** The decisions made so far for `library` under `security` (filled in by `keeps`). */
export function memberDecisions(security: SecurityManager, library: string): MemberDecision[] {
  let byLibrary = DECISIONS.get(security)
  if (!byLibrary) DECISIONS.set(security, (byLibrary = new Map()))
  let list = byLibrary.get(library)
  if (!list) byLibrary.set(library, (list = []))
  return list
}

/** Whether the member named `key`, visited `i`-th, is kept (`decide` when not known). */
export function keeps(decisions: MemberDecision[], i: number, key: Uint8Array, decide: (key: Uint8Array) => boolean): boolean {
  const known = decisions[i]
  if (known && sameBytes(known.key, key)) return known.keep
  const keep = decide(key)
  decisions[i] = { key: key.slice(), keep }
  return keep
}

// --- internal ---

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
