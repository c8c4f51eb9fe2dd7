import { fakeEngine } from '@polyhost/core/testing'
import { describe, expect, it } from 'vitest'
import { ALL_AREAS, conformanceFailure, conformanceTests, isolationSkips, runConformance, type TestRunner } from '../src/index.js'
import { fakeSnippets } from './fake-snippets.js'

/** A runner that only records what the kit registers, to run it by hand. */
function recorder(withSkip = true) {
  const tests: { name: string; fn: () => Promise<void> }[] = []
  const skipped: string[] = []
  const path: string[] = []
  const it = (name: string, fn: () => Promise<void>) => void tests.push({ name: [...path, name].join(' > '), fn })
  const runner: TestRunner = {
    describe: (name, fn) => {
      path.push(name)
      fn()
      path.pop()
    },
    it: withSkip ? Object.assign(it, { skip: (name: string) => void skipped.push(name) }) : it,
    expect,
  }
  const lines: string[] = []
  return { runner, tests, skipped, lines, report: (l: string) => void lines.push(l) }
}

const total = ALL_AREAS.reduce((n, a) => n + a.tests.length, 0)

describe('runConformance', () => {
  it('registers every test plus one leak check per area, and skips only what the engine cannot do', () => {
    const r = recorder()
    runConformance(r.runner, { engine: () => fakeEngine(), snippets: fakeSnippets, report: r.report })
    expect(r.tests.length + r.skipped.length).toBe(total + ALL_AREAS.length)
    // FakeScript has no random generator nor clock: no tenantTurn snippet
    expect(r.skipped.map((n) => n.match(/\[(.*)\]$/)?.[1])).toEqual(['tenants.alternating', 'tenants.alternating-shared'])
    expect(r.lines).toEqual([
      "[@polyhost/conformance] engine 'fake': 2 test(s) skipped\n" +
        '  - tenants.alternating: auto: snippets.tenantTurn is not provided\n' +
        '  - tenants.alternating-shared: auto: snippets.tenantTurn is not provided',
    ])
    const ids = ALL_AREAS.flatMap((a) => a.tests.map((t) => t.id))
    expect(new Set(ids).size, 'test ids are unique').toBe(ids.length)
  })

  it('skips by capability automatically and by listed reason, printing each', () => {
    const r = recorder()
    const engine = () => fakeEngine({ capabilities: { modules: false } })
    const skip = [{ reason: 'documented: logs differ here', tests: ['logs.utf8-bytes', 'cache.name-*'] }]
    runConformance(r.runner, { engine, snippets: fakeSnippets, skip, report: r.report })
    const modules = ALL_AREAS.find((a) => a.name === 'modules')?.tests.length ?? 0
    // + the tenants area: no tenantTurn snippet for FakeScript
    expect(r.skipped.length).toBe(modules + 4)
    expect(r.lines[0]).toContain(`${modules + 4} test(s) skipped`)
    expect(r.lines[0]).toContain('modules.registered: auto: capabilities.modules is false')
    expect(r.lines[0]).toContain('logs.utf8-bytes: reason: documented: logs differ here')
    expect(r.lines[0]).toContain('cache.name-in-key: reason: documented')
  })

  it('still reports skips when the runner has no it.skip', () => {
    const r = recorder(false)
    runConformance(r.runner, {
      engine: () => fakeEngine({ capabilities: { asyncBridges: false } }),
      snippets: fakeSnippets,
      report: r.report,
    })
    expect(r.lines[0]).toMatch(/test\(s\) skipped/)
    expect(r.lines[0]).toContain('pool.concurrency: auto: capabilities.asyncBridges is false')
  })

  it('refuses stale or unexplained skips, a wrong language and missing required snippets', () => {
    const base = { engine: () => fakeEngine(), snippets: fakeSnippets, report: () => {} }
    expect(() => runConformance(recorder().runner, { ...base, skip: [{ reason: 'x', tests: ['no.such.test'] }] })).toThrow(/matches no/)
    expect(() => runConformance(recorder().runner, { ...base, skip: [{ reason: ' ', tests: ['logs.captured'] }] })).toThrow(/reason/)
    expect(() => runConformance(recorder().runner, { ...base, snippets: { ...fakeSnippets, language: 'lua' } })).toThrow(/language/)
    const { requireModule: _r, ...noModules } = fakeSnippets
    expect(() => runConformance(recorder().runner, { ...base, snippets: noModules })).toThrow(/requireModule/)
  })

  it('runs its tests through any runner with the same shape', async () => {
    const r = recorder()
    runConformance(r.runner, { engine: () => fakeEngine(), snippets: fakeSnippets, report: r.report })
    const picked = r.tests.filter((t) => /\[(values\.host\.nan|limits\.stack\.trips|values\.host\.leaks)\]/.test(t.name))
    expect(picked.length).toBe(3)
    for (const t of picked) await t.fn()
  })

  it('fails a test whose engine breaks the contract', async () => {
    const r = recorder()
    const broken = { ...fakeSnippets, readGlobal: () => fakeSnippets.returnLiteral('not the global') }
    runConformance(r.runner, { engine: () => fakeEngine(), snippets: broken, report: r.report })
    const test = r.tests.find((t) => t.name.endsWith('[values.host.integer]'))
    await expect(test?.fn()).rejects.toThrow()
  })

  it('fails the host-text and modified-custom-value clauses on the fake engine, which does neither', async () => {
    const lines: string[] = []
    const options = { engine: () => fakeEngine(), snippets: fakeSnippets, report: (l: string) => void lines.push(l) }
    expect(await conformanceFailure(expect, options, 'values.host.custom-type-modified')).toMatch(/modified: plain data/)
    expect(await conformanceFailure(expect, options, 'errors.host-text')).toMatch(/\/srv\/app/)
    expect(
      lines.some((l) => /custom-type-modified failed as expected: modified: plain data/.test(l)),
      'reported',
    ).toBe(true)
    // a clause that passes, or one that does not exist, is an error of its own
    await expect(conformanceFailure(expect, options, 'values.host.integer')).rejects.toThrow(/passed where it had to fail/)
    await expect(conformanceFailure(expect, options, 'no.such.test')).rejects.toThrow(/no runnable/)
    expect([...conformanceTests(expect, options).keys()]).not.toContain('tenants.alternating')
  })

  it('derives skips from isolation worker, prints them with their reasons, and labels the mode', () => {
    const r = recorder()
    const hostOptions = { isolation: 'worker', workers: 1 } as const
    runConformance(r.runner, { engine: fakeInWorkers, snippets: fakeSnippets, report: r.report, hostOptions })
    const ids = isolationSkips(hostOptions).flatMap((e) => e.tests)
    expect(ids.sort()).toEqual([
      'parity.host-function-counts',
      'parity.host-function-trips',
      'results-data-only.host-function',
      'values.host.custom-type',
      'values.host.custom-type-modified',
      'values.host.function',
    ])
    expect(r.skipped.length, 'and the tenants area (no tenantTurn)').toBe(ids.length + 2)
    expect(r.lines[0]).toContain("engine 'fake', isolation 'worker': 8 test(s) skipped")
    expect(r.lines[0]).toContain("values.host.function: auto: isolation 'worker': host functions in globals cannot cross threads")
    expect(r.tests[0]?.name).toContain("@polyhost/conformance: engine 'fake', isolation 'worker' > ")
    expect(isolationSkips({ isolation: 'inline' })).toEqual([])
  })

  it('refuses isolation worker for a plugin without module', () => {
    const hostOptions = { isolation: 'worker' } as const
    expect(() => runConformance(recorder().runner, { engine: () => fakeEngine(), snippets: fakeSnippets, hostOptions })).toThrow(
      /plugin\.module/,
    )
  })

  // workers load the built packages (dist/): `pnpm turbo run build` first, as for every worker test
  it('runs in worker isolation: plugin.module survives the kit, compiles are counted in workers too', async () => {
    // the kit's own wrapper never sees compiles made inside a worker: cache.hit proves they are counted
    const r = recorder()
    const hostOptions = { isolation: 'worker', workers: 1, pool: { max: 1 } } as const
    runConformance(r.runner, { engine: fakeInWorkers, snippets: fakeSnippets, report: r.report, hostOptions })
    const picked = r.tests.filter((t) => /\[(values\.host\.integer|cache\.hit|cache\.name-in-key|cache\.leaks)\]/.test(t.name))
    expect(picked.length).toBe(4)
    for (const t of picked) await t.fn()
  }, 60_000)
})

/** The fake engine, importable by workers from the built `@polyhost/core/testing`. */
function fakeInWorkers() {
  return { ...fakeEngine(), module: { specifier: '@polyhost/core/testing', export: 'fakeEngine' } }
}
