import { mkdir, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import * as vega from 'vega'
import { compile } from 'vega-lite'

/** Bar colours by kind of path: Polyhost, the raw engines, peer libraries, floors. */
const KIND_COLOURS = { polyhost: '#2f6fdf', raw: '#8a8f98', peer: '#e08a2e', floor: '#c9ccd1' }
const KIND_LABELS = { polyhost: 'Polyhost', raw: 'raw engine', peer: 'peer', floor: 'floor' }

/**
 * Writes one SVG chart per workload into `dir`: the median of every measured path as a
 * horizontal bar (log scale: the paths of one workload differ by orders of magnitude),
 * Polyhost beside the raw engines and the peers, one panel per language. Returns the
 * Markdown line that links each chart from a report written in `reportDir`.
 *
 * @param {import('./workloads.mjs').WorkloadResult[]} results
 * @param {string} dir
 * @param {string} reportDir
 * @returns {Promise<Map<number, string>>} workload id → Markdown image line
 */
export async function writeCharts(results, dir, reportDir) {
  await mkdir(dir, { recursive: true })
  const links = new Map()
  for (const r of results) {
    const data = chartData(r)
    if (data.length === 0) continue
    const file = join(dir, `${r.id}-${slug(r.title)}.svg`)
    await writeFile(file, await renderSvg(chartSpec(r, data)))
    links.set(r.id, `![${r.title}](${relative(reportDir, file).split('\\').join('/')})`)
  }
  return links
}

/**
 * The rows of one workload that have a median, as chart records (milliseconds).
 *
 * @param {import('./workloads.mjs').WorkloadResult} r
 */
export function chartData(r) {
  return r.rows
    .filter((m) => m.status === 'ok' && Number.isFinite(m.median) && m.median > 0)
    .map((m) => ({ path: m.name, kind: KIND_LABELS[m.kind] ?? m.kind, language: m.language ?? 'both', ms: m.median }))
}

/**
 * The Vega-Lite spec of one workload's chart.
 *
 * @param {import('./workloads.mjs').WorkloadResult} r
 * @param {ReturnType<typeof chartData>} data
 */
export function chartSpec(r, data) {
  const kinds = Object.keys(KIND_LABELS).filter((k) => data.some((d) => d.kind === KIND_LABELS[k]))
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `${r.id}. ${r.title}`, subtitle: `median ${r.unit}; log scale, shorter is faster`, anchor: 'start' },
    data: { values: data },
    facet: { row: { field: 'language', type: 'nominal', title: null } },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 520,
      mark: { type: 'bar', tooltip: true },
      encoding: {
        y: { field: 'path', type: 'nominal', sort: { field: 'ms', order: 'ascending' }, title: null, axis: { labelLimit: 700 } },
        x: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, stack: null, title: 'milliseconds (log scale)' },
        color: {
          field: 'kind',
          type: 'nominal',
          title: null,
          scale: { domain: kinds.map((k) => KIND_LABELS[k]), range: kinds.map((k) => KIND_COLOURS[k]) },
        },
      },
    },
    config: { font: 'sans-serif', background: 'white' },
  }
}

// --- internal ---

async function renderSvg(spec) {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' })
  try {
    return await view.toSVG()
  } finally {
    view.finalize()
  }
}

function slug(title) {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40)
}
