/**
 * Ratios between measurements and the goals they are held to.
 *
 * @typedef {import('./harness.mjs').Measurement} Measurement
 * @typedef {object} Ratio
 * @property {string} label what is compared
 * @property {string} [language]
 * @property {number | undefined} value
 * @property {'×' | 'ms' | 'µs' | 'KiB'} unit
 * @property {string} goal human-readable goal (`≤ 2.5×`)
 * @property {'met' | 'missed' | 'not available' | 'report'} status
 * @property {string} detail the figures behind the ratio
 */

/**
 * `a / b` of two timed rows (e.g. Polyhost time over raw time), checked against `≤ max` or
 * `≥ min` (neither: reported without a goal). A ratio needs both rows measured; otherwise
 * it is "not available".
 *
 * @param {object} spec
 * @param {string} spec.label
 * @param {string} [spec.language]
 * @param {Measurement | undefined} spec.a numerator row
 * @param {Measurement | undefined} spec.b denominator row
 * @param {{ max?: number, min?: number }} spec.goal
 * @returns {Ratio}
 */
export function timeRatio({ label, language, a, b, goal }) {
  const goalText = goal.max !== undefined ? `≤ ${goal.max}×` : goal.min !== undefined ? `≥ ${goal.min}×` : 'report'
  if (!ok(a) || !ok(b)) {
    return { label, language, value: undefined, unit: '×', goal: goalText, status: 'not available', detail: missing(a, b) }
  }
  const value = a.median / b.median
  const met = goal.max !== undefined ? value <= goal.max : goal.min !== undefined ? value >= goal.min : undefined
  return {
    label,
    language,
    value,
    unit: '×',
    goal: goalText,
    status: met === undefined ? 'report' : met ? 'met' : 'missed',
    detail: `${a.name} ${formatTime(a.median)} / ${b.name} ${formatTime(b.median)}`,
  }
}

/**
 * An absolute figure held to `≤ max` (cold start in ms, overhead in µs), or reported
 * without a goal. `row.median` is in milliseconds; `unit` is how it is shown and compared.
 * @param {{ label: string, language?: string, row: Measurement | undefined, max?: number, unit?: 'ms' | 'µs' }} spec
 * @returns {Ratio}
 */
export function absolute({ label, language, row, max, unit = 'ms' }) {
  const goal = max === undefined ? 'report' : `≤ ${max} ${unit}`
  if (row?.status !== 'ok' || !Number.isFinite(row.median)) {
    return { label, language, value: undefined, unit, goal, status: 'not available', detail: missing(row) }
  }
  const value = unit === 'µs' ? row.median * 1000 : row.median
  const status = max === undefined ? 'report' : value <= max ? 'met' : 'missed'
  return { label, language, value, unit, goal, status, detail: `${row.name}, median of ${row.samples}` }
}

/**
 * A figure reported without a goal (throughput), or held to `≤ max` in its own unit (memory per state).
 * @param {{ label: string, language?: string, value: number | undefined, unit: Ratio['unit'], detail: string, max?: number }} spec
 * @returns {Ratio}
 */
export function report({ label, language, value, unit, detail, max }) {
  if (value === undefined)
    return { label, language, value, unit, goal: max === undefined ? 'report' : `≤ ${max} ${unit}`, status: 'not available', detail }
  if (max === undefined) return { label, language, value, unit, goal: 'report', status: 'report', detail }
  return { label, language, value, unit, goal: `≤ ${max} ${unit}`, status: value <= max ? 'met' : 'missed', detail }
}

/**
 * Formats milliseconds with a unit that keeps three significant digits.
 * @param {number | undefined} ms
 */
export function formatTime(ms) {
  if (ms === undefined || !Number.isFinite(ms)) return '—'
  if (ms < 0.001) return `${(ms * 1e6).toPrecision(3)} ns`
  if (ms < 1) return `${(ms * 1e3).toPrecision(3)} µs`
  if (ms < 1000) return `${ms.toPrecision(3)} ms`
  return `${(ms / 1000).toPrecision(3)} s`
}

// --- internal ---

/** @param {Measurement | undefined} m */
function ok(m) {
  return m !== undefined && m.status === 'ok' && m.median !== undefined && m.median > 0
}

/** @param {(Measurement | undefined)[]} rows */
function missing(...rows) {
  return rows
    .filter((r) => !ok(r))
    .map((r) => (r ? `${r.name}: ${r.status}${r.note ? ` (${r.note})` : ''}` : 'not measured'))
    .join('; ')
}
