/**
 * `pnpm bench [--quick] [--only 1,3] [--out FILE] [--charts DIR|none] [--baseline OLD.md --baseline-label TEXT] [--comparison FILE]`:
 * runs the workloads and writes BENCHMARKS.md at the repository root (or FILE) with an SVG chart per
 * workload (bench/charts/, or FILE's name + `-charts/`, or DIR), linked from it; with a
 * baseline (an earlier commit's report from the same machine) it adds a before/after section; `--comparison` adds
 * the before/after section that compare.mjs wrote (alternating rounds of both commits). `--quick` is the CI smoke run: small
 * inputs, short sampling, well under a minute, written to the temp directory unless
 * `--out` says otherwise; it never asserts times.
 */
import { readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { parseReport, readBaseline, renderComparison } from './baseline.mjs'
import { exposeGc, PROFILES } from './harness.mjs'
import { machineInfo } from './machine.mjs'
import { renderReport } from './report.mjs'
import { WORKLOADS } from './workloads.mjs'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const NOTES = fileURLToPath(new URL('../closing-notes.md', import.meta.url))

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    out: { type: 'string' },
    baseline: { type: 'string' },
    'baseline-label': { type: 'string' },
    charts: { type: 'string' },
    comparison: { type: 'string' },
  },
  allowPositionals: true,
})

const started = performance.now()
const loadAtStart = os.loadavg()
const quick = values.quick
const only = values.only ? new Set(values.only.split(',').map((s) => s.trim())) : undefined
const ctx = { quick, profile: quick ? PROFILES.quick : PROFILES.full }
exposeGc()

const results = []
for (const w of WORKLOADS) {
  if (only && !only.has(String(w.id)) && !only.has(w.name)) continue
  const t0 = performance.now()
  process.stdout.write(`workload ${w.id} (${w.name})... `)
  globalThis.gc?.()
  const r = await w.run(ctx)
  results.push(r)
  process.stdout.write(`${((performance.now() - t0) / 1000).toFixed(1)} s\n`)
  for (const x of r.ratios) {
    const v = x.value === undefined ? '—' : x.unit === '×' ? `${x.value.toFixed(2)}×` : `${x.value.toFixed(0)} ${x.unit}`
    console.log(`  ${x.language ?? ''}\t${x.label}: ${v} (goal ${x.goal}: ${x.status})`)
  }
}

const machine = await machineInfo(loadAtStart)
const missed = results.some((r) => r.ratios.some((x) => x.status === 'missed'))
const closing = missed ? await closingNotes() : []
// A smoke run must not replace the committed report with figures from tiny inputs.
const out = values.out ?? (quick ? join(os.tmpdir(), 'polyhost-BENCHMARKS.quick.md') : `${ROOT}BENCHMARKS.md`)
const chartDir = values.charts ?? (values.out || quick ? out.replace(/\.md$/, '') + '-charts' : join(ROOT, 'bench', 'charts'))
// loaded after the workloads: Vega's module graph would otherwise sit in the measured process's heap
// `--charts none`: no charts (compare.mjs's rounds, which only read the tables)
const charts = values.charts === 'none' ? new Map() : await (await import('./charts.mjs')).writeCharts(results, chartDir, dirname(out))
let md = renderReport({ results, machine: machine.lines, quick, elapsedMs: performance.now() - started, closing, charts })
if (values.baseline) {
  const label = values['baseline-label'] ?? values.baseline
  const comparison = renderComparison({ before: await readBaseline(values.baseline), after: parseReport(md), label })
  md = md.replace('## Machine and versions', [...comparison, '## Machine and versions'].join('\n'))
}
if (values.comparison) {
  const section = (await readFile(values.comparison, 'utf8')).trim()
  md = md.replace('## Machine and versions', `${section}\n\n## Machine and versions`)
}
await writeFile(out, md)
console.log(`wrote ${out} in ${((performance.now() - started) / 1000).toFixed(1)} s`)

/**
 * The profile summaries of missed goals live in bench/closing-notes.md, written after
 * profiling (`node --cpu-prof`), so that a regenerated report keeps them.
 */
async function closingNotes() {
  try {
    return [(await readFile(NOTES, 'utf8')).trim()]
  } catch {
    return ['A goal was missed; no profile summary has been written yet (bench/closing-notes.md).']
  }
}
