import { readFile } from 'node:fs/promises'
import { formatTime } from './ratios.mjs'

/**
 * Before/after against an earlier report: `pnpm bench --baseline OLD.md --baseline-label "…"`.
 * The earlier report is a BENCHMARKS.md written by any version of this bench (its workload
 * tables are the stable format), so an older commit can be measured on the same machine in
 * the same hour and compared row by row. Only Polyhost rows are compared: raw engines and
 * peers do not change between commits, and their drift between the two runs is shown once
 * as the "raw drift" line so that a reader can tell machine noise from a real change.
 *
 * @typedef {{ section: string, path: string, lang: string, kind: string, median: number }} BaselineRow
 */

/**
 * Reads the per-workload tables of an earlier report.
 * @param {string} file
 * @returns {Promise<BaselineRow[]>}
 */
export async function readBaseline(file) {
  return parseReport(await readFile(file, 'utf8'))
}

/**
 * The workload tables of a rendered report as rows with a median in milliseconds.
 * @param {string} md
 * @returns {BaselineRow[]}
 */
export function parseReport(md) {
  const rows = []
  let section = ''
  let header
  for (const line of md.split('\n')) {
    const h = /^## (\d+)\. /.exec(line)
    if (h) {
      section = h[1]
      header = undefined
      continue
    }
    if (!line.startsWith('|') || !section) {
      header = undefined
      continue
    }
    const cells = splitRow(line)
    if (!header) {
      header = cells
      continue
    }
    if (cells.every((c) => /^-+$/.test(c))) continue
    const col = (name) => cells[header.indexOf(name)]
    if (header[0] === 'path' && header.includes('median')) {
      const median = parseTime(col('median'))
      if (median !== undefined) rows.push({ section, path: col('path'), lang: col('lang'), kind: col('kind'), median })
    } else if (header[0] === 'state' && header.includes('RSS / state')) {
      const kib = Number.parseFloat(col('RSS / state'))
      if (Number.isFinite(kib)) rows.push({ section, path: `${col('state')} (RSS KiB)`, lang: '—', kind: 'memory', median: kib })
    }
  }
  return rows
}

/**
 * Markdown lines of the before/after section.
 * @param {{ before: BaselineRow[], after: BaselineRow[], label: string, intro?: string }} input
 * @returns {string[]}
 */
export function renderComparison({ before, after, label, intro }) {
  const key = (r) => `${r.section}|${r.path}|${r.lang}`
  const old = new Map(before.map((r) => [key(r), r]))
  const lines = []
  const drift = []
  // the raw engines' drift per workload and language (and per task where a raw row names the same
  // task, as "raw fengari (no hooks): fib(27)" for "Polyhost (limits on): fib(27)"): a Polyhost
  // row's change is also shown against it
  const rawDrift = new Map()
  for (const r of after) {
    const b = old.get(key(r))
    if (!b || r.kind !== 'raw') continue
    for (const k of [`${r.section}|${r.lang}`, `${r.section}|${r.lang}|${task(r.path)}`]) {
      rawDrift.set(k, [...(rawDrift.get(k) ?? []), r.median / b.median])
    }
  }
  for (const r of after) {
    const b = old.get(key(r))
    if (!b) continue
    const change = r.median / b.median
    if (r.kind === 'raw') drift.push(change)
    if (r.kind !== 'polyhost' && !(r.kind === 'memory' && r.path.startsWith('Polyhost'))) continue
    const show = r.kind === 'memory' ? (v) => `${v.toFixed(0)} KiB` : formatTime
    const raw = median(rawDrift.get(`${r.section}|${r.lang}|${task(r.path)}`) ?? rawDrift.get(`${r.section}|${r.lang}`) ?? [])
    const against = raw === undefined ? '—' : pct(change / raw)
    lines.push(
      `| ${r.section} | ${r.path.replaceAll('|', '\\|')} | ${r.lang} | ${show(b.median)} | ${show(r.median)} | ${pct(change)} | ${against} |`,
    )
  }
  if (!lines.length) return []
  const mid = median(drift)
  return [
    `## Before/after: ${label}`,
    '',
    (intro ?? 'The earlier commit was measured by the same bench on the same machine, just before this run.') +
      ' Change is after/before − 1 (negative = faster or smaller).' +
      (mid === undefined
        ? ''
        : ` Raw engine rows, which no commit changes, moved by a median of ${pct(mid)} between the two sides: that is the noise floor.`) +
      ' "Against raw" divides the change by the drift of the raw engine rows of the same workload and language, which moved with the machine.',
    '',
    '| # | path | lang | before | after | change | against raw |',
    '|---|---|---|---|---|---|---|',
    ...lines,
    '',
  ]
}

/**
 * One row per workload row, its median the median over several reports of the same commit
 * (compare.mjs); a row missing from a report is left out of that row's median.
 * @param {BaselineRow[][]} reports
 * @returns {BaselineRow[]}
 */
export function medianRows(reports) {
  const byKey = new Map()
  for (const rows of reports) {
    for (const row of rows) {
      const key = `${row.section}|${row.path}|${row.lang}`
      const entry = byKey.get(key) ?? { row, values: [] }
      entry.values.push(row.median)
      byKey.set(key, entry)
    }
  }
  return [...byKey.values()].map(({ row, values }) => {
    values.sort((a, b) => a - b)
    return { ...row, median: values[Math.floor(values.length / 2)] }
  })
}

// --- internal ---

function splitRow(line) {
  return line
    .slice(1, line.endsWith('|') ? -1 : undefined)
    .split(/(?<!\\)\|/)
    .map((c) => c.trim().replaceAll('\\|', '|'))
}

/** Inverse of `formatTime`: "6.35 µs" → 0.00635 (ms). */
function parseTime(text) {
  const m = /^([\d.]+) (ns|µs|ms|s)$/.exec(text ?? '')
  if (!m) return undefined
  const scale = { ns: 1e-6, µs: 1e-3, ms: 1, s: 1000 }[m[2]]
  return Number.parseFloat(m[1]) * scale
}

/** What a row measures, without who runs it: "raw fengari (no hooks): fib(27)" → "fib(27)". */
function task(path) {
  const i = path.indexOf(': ')
  return i < 0 ? path : path.slice(i + 2)
}

function median(values) {
  if (!values.length) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

/** A ratio as a signed change: 1.05 → `+5.0 %`. */
export function pct(change) {
  const p = (change - 1) * 100
  return `${p >= 0 ? '+' : ''}${p.toFixed(1)} %`
}
