// Runs random differential programs: each program's snippets through the engine (one
// execution) and through native lua5.3 / lua5.1 (one process, the same file), then judges
// every snippet's printed line (fuzz-program.ts's judge) and tallies the verdicts per area.
import type { Host } from '@polyhost/core'
import { numberSnippet } from './fuzz-numbers.js'
import { numeralSnippet } from './fuzz-numerals.js'
import { patternSnippet } from './fuzz-patterns.js'
import { Dice, judge, type Mode, program, type Snippet, type Verdict } from './fuzz-program.js'
import { stringSnippet } from './fuzz-strings.js'
import { tableSnippet } from './fuzz-tables.js'
import { utf8OsSnippet } from './fuzz-utf8-os.js'
import { printed, runNativeProgram } from './native-lua.js'

/** The generators by area name. */
export const AREAS = {
  numbers: numberSnippet,
  numerals: numeralSnippet,
  strings: stringSnippet,
  patterns: patternSnippet,
  tables: tableSnippet,
  'utf8-os': utf8OsSnippet,
} as const satisfies Record<string, (d: Dice, mode: Mode) => Snippet>

export type AreaName = keyof typeof AREAS

/** A snippet whose engine line is neither native's nor a documented deviation. */
export interface Difference {
  readonly mode: Mode
  readonly body: string
  readonly engine: string
  readonly native: string
}

export interface FuzzTally {
  /** Snippets per area (the generator's own area names: format, pack, strings, …) and verdict. */
  readonly counts: Record<string, Record<Verdict, number>>
  readonly differences: Difference[]
  /** Snippets per area whose native line is an error (a run of only errors would test little). */
  readonly errors: Record<string, number>
}

/** `count` snippets of one generator area from `seed`. */
export function snippets(area: AreaName, mode: Mode, seed: number, count: number): Snippet[] {
  const d = new Dice(seed)
  return Array.from({ length: count }, () => AREAS[area](d, mode))
}

/** What the engine prints for a program (one line per snippet). */
async function engineLines(host: Host, source: string): Promise<string[]> {
  const r = await host.execute({ language: 'lua', source, name: 'x.lua' })
  return printed(r.logs).split('\n').slice(0, -1)
}

/** Runs one program of snippets on both sides and adds its verdicts to `tally`. */
export async function fuzzProgram(host: Host, mode: Mode, list: readonly Snippet[], tally: FuzzTally): Promise<void> {
  const source = program(list)
  const native = runNativeProgram(mode === 'lua53' ? 'lua5.3' : 'lua5.1', source)
    .split('\n')
    .slice(0, -1)
  const engine = await engineLines(host, source)
  if (native.length !== list.length || engine.length !== list.length) {
    throw new Error(`${mode}: ${list.length} snippets, native printed ${native.length} lines, engine ${engine.length}`)
  }
  list.forEach((s, i) => {
    const [got, want] = [engine[i] as string, native[i] as string]
    const verdict = judge(s, got, want)
    tally.counts[s.area] ??= { same: 0, overflow: 0, libm: 0, nan: 0, border: 0, different: 0 }
    ;(tally.counts[s.area] as Record<Verdict, number>)[verdict]++
    if (/^[ES] /.test(want)) tally.errors[s.area] = (tally.errors[s.area] ?? 0) + 1
    if (verdict === 'different') tally.differences.push({ mode, body: s.body, engine: got, native: want })
  })
}

/** A fresh tally. */
export function newTally(): FuzzTally {
  return { counts: {}, differences: [], errors: {} }
}

/** Runs `programs` programs of `size` snippets of every area from `seed`, one program per area and seed step. */
export async function fuzz(host: Host, mode: Mode, seed: number, programs: number, size: number): Promise<FuzzTally> {
  const tally = newTally()
  for (let p = 0; p < programs; p++) {
    for (const [k, area] of (Object.keys(AREAS) as AreaName[]).entries()) {
      await fuzzProgram(host, mode, snippets(area, mode, seed + p * 7919 + k * 104729, size), tally)
    }
  }
  return tally
}
