import { describe, expect, it } from 'vitest'
// @ts-expect-error the bench is plain ESM without type declarations
import { medianRows, parseReport, renderComparison } from '../src/baseline.mjs'
// @ts-expect-error the bench is plain ESM without type declarations
import { renderReport } from '../src/report.mjs'

/** A report as `pnpm bench` renders it, from two workloads with the given medians (ms). */
function report(warm: number, raw: number, rssKiB: number): string {
  const row = (name: string, kind: string, median: number) => ({
    name,
    kind,
    language: 'lua',
    status: 'ok',
    median,
    min: median,
    max: median,
    samples: 10,
  })
  return renderReport({
    results: [
      {
        id: 1,
        title: 'Tiny | script',
        unit: 'per execution',
        ratios: [],
        rows: [row('Polyhost: warm | execute', 'polyhost', warm), row('raw fengari: run', 'raw', raw)],
        notes: [],
      },
      {
        id: 7,
        title: 'Memory',
        unit: 'per state',
        ratios: [],
        rows: [],
        table: {
          header: ['state', 'RSS / state', 'V8 heap / state', 'external / state', 'note'],
          rows: [['Polyhost Lua: idle pooled state', `${rssKiB} KiB`, '1 KiB', '0 KiB', '']],
        },
        notes: [],
      },
    ],
    machine: [],
    quick: false,
    elapsedMs: 1,
    closing: [],
  })
}

describe('bench before/after', () => {
  it('reads back the medians a rendered report shows, in milliseconds', () => {
    const rows = parseReport(report(0.00635, 0.00493, 183))
    const find = (path: string) => rows.find((r: { path: string }) => r.path === path)
    expect(find('Polyhost: warm | execute')).toMatchObject({ section: '1', lang: 'lua', kind: 'polyhost' })
    expect(find('Polyhost: warm | execute')?.median).toBeCloseTo(0.00635, 9)
    expect(find('raw fengari: run')).toMatchObject({ section: '1', lang: 'lua', kind: 'raw' })
    expect(find('raw fengari: run')?.median).toBeCloseTo(0.00493, 9)
    expect(rows.find((r: { kind: string }) => r.kind === 'memory')?.median).toBe(183)
  })

  it('compares Polyhost rows and states the raw rows’ drift as the noise floor', () => {
    const before = parseReport(report(0.01, 0.005, 200))
    const after = parseReport(report(0.012, 0.0055, 150))
    const md = renderComparison({ before, after, label: 'abc123' }).join('\n')
    expect(md).toContain('## Before/after: abc123')
    expect(md).toContain('| 1 | Polyhost: warm \\| execute | lua | 10.0 µs | 12.0 µs | +20.0 % |')
    expect(md).toContain('| 7 | Polyhost Lua: idle pooled state (RSS KiB) | — | 200 KiB | 150 KiB | -25.0 % |')
    expect(md).toContain('moved by a median of +10.0 %')
    expect(md).not.toContain('| raw fengari: run |')
  })

  it('says nothing when the reports share no rows', () => {
    expect(renderComparison({ before: [], after: parseReport(report(1, 1, 1)), label: 'x' })).toEqual([])
  })
})

describe('medianRows', () => {
  it('takes each row’s median over the rounds of one commit, matching rows by name', () => {
    const rounds = [report(9, 5, 160), report(7, 6, 170), report(30, 4, 150)].map(parseReport)
    const rows = medianRows(rounds)
    const warm = rows.find((r: { kind: string }) => r.kind === 'polyhost')
    const raw = rows.find((r: { kind: string }) => r.kind === 'raw')
    const rss = rows.find((r: { kind: string }) => r.kind === 'memory')
    expect([warm.median, raw.median, rss.median]).toEqual([rounds[0][0].median, rounds[0][1].median, 160])
    expect(rows).toHaveLength(rounds[0].length)
  })
})
