import { createHash } from 'node:crypto'
import type { CorpusArg, CorpusCase } from '../differential.js'

/** A command from text split on spaces, or an explicit argv. */
export type Step = string | readonly CorpusArg[]

/** A case from steps (`'SET k v'` or `['EVAL', src, '0']`). */
export function cmds(name: string, ...steps: Step[]): CorpusCase {
  return { name, run: steps.map((s) => (typeof s === 'string' ? s.split(' ').filter(Boolean) : s)) }
}

/** A case whose array replies are compared as unordered. */
export function unordered(c: CorpusCase): CorpusCase {
  return { ...c, unordered: true }
}

/** `EVAL src numkeys ...` as a step. */
export function evalStep(src: string, keys: readonly string[] = [], args: readonly CorpusArg[] = []): readonly CorpusArg[] {
  return ['EVAL', src, String(keys.length), ...keys, ...args]
}

/** A case that is one EVAL after optional setup commands. */
export function script(name: string, src: string, setup: Step[] = [], keys: string[] = [], args: CorpusArg[] = []): CorpusCase {
  return cmds(name, ...setup, evalStep(src, keys, args))
}

/** SHA-1 of a script, as EVALSHA names it. */
export function sha(source: string): string {
  return createHash('sha1').update(source).digest('hex')
}
