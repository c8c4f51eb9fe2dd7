import type { EngineCapabilities, EnginePlugin, LimitName } from '@polyhost/core'
import type { ConformanceHostOptions, TestKit } from './kit.js'
import type { EngineSnippets } from './snippets.js'

export type { ConformanceHostOptions } from './kit.js'
export type { Assertion, ExpectFunction, TestFunction, TestRunner } from './test-runner.js'

/** A skip the kit cannot derive from capabilities: it must say why, and is printed. */
export interface SkipEntry {
  readonly reason: string
  /** Test ids (`'limits.memory.trips'`) or prefixes ending in `*` (`'modules.*'`). */
  readonly tests: readonly string[]
}

export interface ConformanceOptions {
  /** Makes a fresh plugin for every host the kit creates. */
  readonly engine: () => EnginePlugin
  readonly snippets: EngineSnippets
  readonly skip?: readonly SkipEntry[]
  /** Where skips are printed; default `console.info`. */
  readonly report?: (line: string) => void
  /** Per-test timeout handed to the runner; default 30 s. */
  readonly timeoutMs?: number
  /**
   * Passed to every `createHost` the kit makes, e.g. `{ isolation: 'worker', workers: 1 }`.
   * `policy`, `limits`, `pool`, `maxDepth` and `cache` are defaults under each test's own
   * choices (limits and pool merged key by key). What the isolation mode cannot do is
   * skipped automatically (see `isolationSkips`).
   */
  readonly hostOptions?: ConformanceHostOptions
}

/**
 * What a test needs from the engine; unmet needs skip it automatically.
 * `determinism`: the engine's snippets give `randomDraws` and `clockMs` (a language with a clock and a random source). */
export type Need =
  | { readonly limit: LimitName }
  | 'asyncBridges'
  | 'modules'
  | 'multipleReturns'
  | 'integerRange'
  | 'tenantTurn'
  | 'determinism'

/** One conformance test: a stable id, a title, its needs and its body. */
export interface ConformanceTest {
  readonly id: string
  readonly title: string
  readonly needs?: readonly Need[]
  /** A floor under the runner's per-test timeout, for tests that are long by design. */
  readonly timeoutMs?: number
  run(t: TestKit): Promise<void>
}

/** A group of tests (one `describe`, one file of the kit). */
export interface ConformanceArea {
  readonly name: string
  readonly tests: readonly ConformanceTest[]
}

/** Why `caps` cannot run a test needing `needs`, or undefined when it can. */
export function unmetNeed(needs: readonly Need[] | undefined, caps: EngineCapabilities, snippets: EngineSnippets): string | undefined {
  for (const n of needs ?? []) {
    if (typeof n === 'object') {
      if (caps.limits[n.limit] === 'none') return `capabilities.limits.${n.limit} is 'none'`
    } else if (n === 'tenantTurn') {
      if (!snippets.tenantTurn) return 'snippets.tenantTurn is not provided'
    } else if (n === 'determinism') {
      if (!snippets.randomDraws || !snippets.clockMs) return 'snippets.randomDraws / snippets.clockMs are not given'
    } else if (n === 'integerRange') {
      if (!caps.integerRange) return 'capabilities.integerRange is not set'
    } else if (!caps[n]) {
      return `capabilities.${n} is false`
    }
    if (n === 'modules' && (!snippets.moduleExporting || !snippets.requireModule)) {
      throw new Error('snippets.moduleExporting and snippets.requireModule are required when capabilities.modules is true')
    }
    if (n === 'multipleReturns' && !snippets.returnMany)
      throw new Error('snippets.returnMany is required when capabilities.multipleReturns')
    if (n === 'integerRange' && !snippets.numberKind)
      throw new Error('snippets.numberKind is required when capabilities.integerRange is set')
  }
  return undefined
}
