import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
// @ts-expect-error the bench is plain ESM without type declarations
import { writeCharts } from '../src/charts.mjs'
// @ts-expect-error the bench is plain ESM without type declarations
import { renderReport } from '../src/report.mjs'

const row = (name: string, kind: string, language: string, median: number) => ({
  name,
  kind,
  language,
  status: 'ok',
  median,
  min: median,
  max: median,
  samples: 10,
})

const RESULTS = [
  {
    id: 1,
    title: 'Tiny script (`return a + b`)',
    unit: 'per execution',
    ratios: [],
    notes: [],
    rows: [
      row('Polyhost: warm execute', 'polyhost', 'lua', 0.008),
      row('raw fengari: run', 'raw', 'lua', 0.006),
      row('wasmoon: run', 'peer', 'lua', 0.2),
      row('Polyhost: warm execute', 'polyhost', 'js', 0.007),
      { name: 'isolated-vm', kind: 'peer', language: 'js', status: 'not available', note: 'not installed' },
    ],
  },
  { id: 7, title: 'Memory', unit: 'KiB', ratios: [], notes: [], rows: [], table: { header: ['a'], rows: [['1']] } },
]

describe('benchmark charts', () => {
  it('draw one bar per measured path of a workload, grouped by language, and are linked from the report', async () => {
    const root = mkdtempSync(join(tmpdir(), 'polyhost-charts-'))
    const links: Map<number, string> = await writeCharts(RESULTS, join(root, 'charts'), root)
    // a workload without measured rows has no chart
    expect(readdirSync(join(root, 'charts'))).toEqual(['1-tiny-script-return-a-b.svg'])
    const svg = readFileSync(join(root, 'charts', '1-tiny-script-return-a-b.svg'), 'utf8')
    expect(svg.startsWith('<svg')).toBe(true)
    expect(svg.match(/aria-roledescription="bar"/g)).toHaveLength(4)
    for (const text of ['raw fengari: run', 'wasmoon: run', 'Polyhost', 'peer', 'lua', 'js']) expect(svg).toContain(text)
    expect(svg).not.toContain('isolated-vm')
    expect(links.get(1)).toBe('![Tiny script (`return a + b`)](charts/1-tiny-script-return-a-b.svg)')
    const md = renderReport({ results: RESULTS, machine: [], quick: false, elapsedMs: 1, closing: [], charts: links })
    expect(md).toContain(`## 1. Tiny script (\`return a + b\`)\n\nFigures: per execution.\n\n${links.get(1)}\n`)
  })
})
