import { ALL_AREAS } from './areas.js'
import { isolationOf, isolationSkips } from './isolation-skips.js'
import { type LeakLedger, TestKit } from './kit.js'
import type { ConformanceArea, ConformanceOptions, ConformanceTest, ExpectFunction, SkipEntry, TestRunner } from './types.js'
import { unmetNeed } from './types.js'

const DISPOSE_TIMEOUT_MS = 15_000

/**
 * Registers the conformance kit with a test runner. Tests an engine cannot run by its
 * `capabilities` are skipped automatically; any other skip must be listed in `skip` with a
 * reason. Every skip is printed when the tests are registered.
 *
 * @example
 * import { describe, it, expect } from 'vitest'
 * import { runConformance } from '@polyhost/conformance'
 * runConformance({ describe, it, expect }, { engine: () => luaEngine(), snippets: luaSnippets })
 */
export function runConformance(runner: TestRunner, options: ConformanceOptions, areas: readonly ConformanceArea[] = ALL_AREAS): void {
  const probe = options.engine()
  const { snippets } = options
  if (!probe.languages.includes(snippets.language)) {
    throw new Error(`snippets.language '${snippets.language}' is not one of the engine's languages (${probe.languages.join(', ')})`)
  }
  const isolation = isolationOf(options.hostOptions)
  if (isolation === 'worker' && !probe.module) {
    throw new Error(`engine '${probe.id}' has no plugin.module: isolation 'worker' loads plugins by module in each worker`)
  }
  const manual = checkSkips(options.skip ?? [], areas)
  // the mode's skips apply to the areas run; a subset of areas may not hold them all
  const byMode = checkSkips(isolationSkips(options.hostOptions), ALL_AREAS)
  // decided up front: runners may collect describe bodies later than this call
  const reasons = new Map<string, string>()
  for (const test of areas.flatMap((a) => a.tests)) {
    const auto = unmetNeed(test.needs, probe.capabilities, snippets) ?? byMode.get(test.id)
    const reason = auto ? `auto: ${auto}` : manual.has(test.id) ? `reason: ${manual.get(test.id)}` : undefined
    if (reason) reasons.set(test.id, reason)
  }
  // inline is the default and keeps its historical titles; other modes say which they are
  const label = `engine '${probe.id}'${isolation === 'inline' ? '' : `, isolation '${isolation}'`}`
  const report = options.report ?? ((line: string) => console.info(line))
  report(
    reasons.size === 0
      ? `[@polyhost/conformance] ${label}: no tests skipped`
      : `[@polyhost/conformance] ${label}: ${reasons.size} test(s) skipped\n${[...reasons].map(([id, r]) => `  - ${id}: ${r}`).join('\n')}`,
  )

  runner.describe(`@polyhost/conformance: ${label}`, () => {
    for (const area of areas) {
      runner.describe(area.name, () => {
        const ledger: LeakLedger = { hosts: 0, closed: 0, created: 0, destroyed: 0, problems: [] }
        for (const test of area.tests) {
          const title = `${test.title} [${test.id}]`
          if (reasons.has(test.id)) {
            runner.it.skip?.(title, async () => {})
            continue
          }
          const kit = () => new TestKit(options.engine, snippets, runner.expect, probe.capabilities, probe.id, ledger, options.hostOptions)
          runner.it(title, () => runOne(test, kit()), Math.max(options.timeoutMs ?? 30_000, test.timeoutMs ?? 0))
        }
        runner.it(`returns every state and leaks nothing [${area.name}.leaks]`, async () => {
          runner.expect(ledger.problems, 'leaks found after tests').toEqual([])
          runner.expect(ledger.closed, 'hosts closed').toBe(ledger.hosts)
          runner.expect(ledger.destroyed, 'states destroyed after close').toBe(ledger.created)
        })
      })
    }
  })
}

/**
 * The kit's runnable tests by id, each a plain function (skipped ones are left out), for
 * running one by hand — e.g. to prove a clause fails against a deliberately broken engine.
 *
 * @example
 * const tests = conformanceTests(expect, { engine: () => luaEngine(), snippets: luaSnippets })
 * await expect(tests.get('tenants.alternating-shared')?.()).rejects.toThrow()
 */
export function conformanceTests(
  expect: ExpectFunction,
  options: ConformanceOptions,
  areas: readonly ConformanceArea[] = ALL_AREAS,
): Map<string, () => Promise<void>> {
  const out = new Map<string, () => Promise<void>>()
  const it = (name: string, fn: () => Promise<void>) => {
    const id = /\[([^\]]+)\]$/.exec(name)?.[1]
    if (id) out.set(id, fn)
  }
  runConformance({ describe: (_name, fn) => fn(), it, expect }, { report: () => {}, ...options }, areas)
  return out
}

/**
 * Runs the kit's test `id` where it must fail — on an engine broken on purpose, to prove the
 * clause detects the break — and returns the failure's first line (also reported, so the
 * run shows what the clause saw). Throws when the test passes or does not exist.
 */
export async function conformanceFailure(expect: ExpectFunction, options: ConformanceOptions, id: string): Promise<string> {
  const run = conformanceTests(expect, options).get(id)
  if (!run) throw new Error(`no runnable conformance test '${id}'`)
  const failure = await run().then(
    () => undefined,
    (e: unknown) => e,
  )
  if (failure === undefined) throw new Error(`conformance test '${id}' passed where it had to fail`)
  const line = (failure instanceof Error ? failure.message : String(failure)).split('\n')[0] ?? ''
  ;(options.report ?? console.info)(`[@polyhost/conformance] ${id} failed as expected: ${line}`)
  return line
}

// --- internal ---

async function runOne(test: ConformanceTest, kit: TestKit): Promise<void> {
  let failure: unknown
  try {
    await test.run(kit)
  } catch (e) {
    failure = e
  }
  // a failing test keeps its own error; its leaks still reach the area's ledger
  const problems = await Promise.race([
    kit.dispose(),
    new Promise<string[]>((r) => setTimeout(() => r([`hosts did not close within ${DISPOSE_TIMEOUT_MS} ms`]), DISPOSE_TIMEOUT_MS).unref()),
  ])
  if (failure !== undefined) throw failure
  if (problems.length > 0) throw new Error(`leak check failed: ${problems.join('; ')}`)
}

/** Maps each skipped test id to its reason; an entry matching no test is an error (stale skip). */
function checkSkips(entries: readonly SkipEntry[], areas: readonly ConformanceArea[]): Map<string, string> {
  const ids = areas.flatMap((a) => a.tests.map((t) => t.id))
  const out = new Map<string, string>()
  for (const entry of entries) {
    if (typeof entry?.reason !== 'string' || entry.reason.trim() === '') throw new Error('every skip needs a non-empty reason')
    for (const pattern of entry.tests) {
      const matches = ids.filter((id) => (pattern.endsWith('*') ? id.startsWith(pattern.slice(0, -1)) : id === pattern))
      if (matches.length === 0) throw new Error(`skip '${pattern}' matches no conformance test`)
      for (const id of matches) out.set(id, entry.reason)
    }
  }
  return out
}
