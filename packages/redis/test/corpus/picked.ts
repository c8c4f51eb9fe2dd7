import type { CorpusCase, Normal } from '../differential.js'
import type { Step } from './helpers.js'

/**
 * What of a random reply is compared (Redis picks members at random, so only what is
 * deterministic): `member` a single member (or nil, an error), `distinct` a positive count's
 * members (length, all known, none twice), `draws` a negative count's (length, all known),
 * `pairs` / `pairDraws` the same for member–score and field–value pairs, `sorted` a whole
 * collection whose order Redis leaves to its hash table (the reply sorted, or the members of
 * a scan's reply), `sortedPairs` the same for pairs.
 */
export type PickKind = 'member' | 'distinct' | 'draws' | 'pairs' | 'pairDraws' | 'sorted' | 'sortedPairs'

/** A step whose reply is summarised by `kind` against the collection's possible answers. */
export interface Picked {
  readonly pick: Step
  readonly kind: PickKind
}

/**
 * A case mixing exact steps and picked ones; `known` are the members (or `member score` /
 * `field value` pairs, space-separated) any pick may come from.
 */
export function picks(name: string, known: readonly string[], ...steps: (Step | Picked)[]): CorpusCase {
  const run = steps.map((s) => toArgv(typeof s === 'object' && 'pick' in s ? s.pick : s))
  const summaries = steps.map((s) => (typeof s === 'object' && 'pick' in s ? summariser(s.kind, new Set(known)) : undefined))
  return { name, run, summaries }
}

/** Shorthand: `pick('SPOP s 2', 'distinct')`. */
export function pick(step: Step, kind: PickKind): Picked {
  return { pick: step, kind }
}

// --- internal ---

function toArgv(s: Step): readonly string[] {
  return typeof s === 'string' ? s.split(' ').filter(Boolean) : (s as readonly string[])
}

function summariser(kind: PickKind, known: ReadonlySet<string>): (r: Normal) => Normal {
  return (r) => {
    if (!Array.isArray(r)) return typeof r === 'string' && known.has(r) ? `one of the known (${kind})` : r
    // a scan's [cursor, members]: the members sorted, the cursor kept
    if (kind === 'sorted' && r.some(Array.isArray)) return r.map((x) => (Array.isArray(x) ? [...x].map(String).sort() : x))
    const items = r.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)))
    if (kind === 'sorted') return [...items].sort()
    const paired = kind === 'pairs' || kind === 'pairDraws' || kind === 'sortedPairs'
    const units: string[] = []
    const heads: string[] = []
    for (let i = 0; i < items.length; i += paired ? 2 : 1) {
      units.push(paired ? `${items[i]} ${items[i + 1]}` : (items[i] as string))
      heads.push(items[i] as string)
    }
    if (kind === 'sortedPairs') return units.sort()
    const summary: Normal[] = ['picked', units.length, 'all known', units.every((u) => known.has(u)) ? 1 : 0]
    if (kind === 'distinct' || kind === 'pairs') summary.push('distinct', new Set(heads).size === heads.length ? 1 : 0)
    return summary
  }
}
