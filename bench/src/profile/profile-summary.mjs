/**
 * `node src/profile/profile-summary.mjs FILE.cpuprofile [top]`: where the time of a
 * `node --cpu-prof` profile goes — self time per function and per file (package), the two
 * views that point at a slow path.
 */
import { readFileSync } from 'node:fs'

/**
 * Aggregates self time of a V8 CPU profile.
 * @param {{ nodes: { id: number, children?: number[], callFrame: { functionName: string, url: string, lineNumber: number } }[], samples: number[], timeDeltas: number[] }} profile
 */
export function summarizeProfile(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const selfUs = new Map()
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0))
  }
  let total = 0
  const fns = new Map()
  const files = new Map()
  for (const [id, us] of selfUs) {
    const f = byId.get(id)?.callFrame
    if (!f) continue
    total += us
    const file = shortFile(f.url) || `(${f.functionName || 'native'})`
    const fn = `${f.functionName || '(anonymous)'}  ${file}${f.url ? `:${f.lineNumber + 1}` : ''}`
    fns.set(fn, (fns.get(fn) ?? 0) + us)
    files.set(file, (files.get(file) ?? 0) + us)
  }
  const inclusive = new Map()
  for (const [id, us] of selfUs) {
    const seen = new Set()
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)?.callFrame
      const file = f ? shortFile(f.url) : ''
      if (!f || !file.startsWith('packages/')) continue
      const key = `${f.functionName || '(anonymous)'}  ${file}:${f.lineNumber + 1}`
      if (seen.has(key)) continue
      seen.add(key)
      inclusive.set(key, (inclusive.get(key) ?? 0) + us)
    }
  }
  const sorted = (m) => [...m.entries()].sort((a, b) => b[1] - a[1])
  return { totalMs: total / 1000, functions: sorted(fns), files: sorted(files), polyhostInclusive: sorted(inclusive) }
}

// --- internal ---

/** `.../node_modules/.pnpm/fengari@0.1.5/node_modules/fengari/src/lvm.js` → `fengari/src/lvm.js`. */
function shortFile(url) {
  if (!url) return ''
  const path = url.replace(/^file:\/\//, '')
  const nm = path.lastIndexOf('node_modules/')
  if (nm >= 0) return path.slice(nm + 'node_modules/'.length)
  const pk = path.indexOf('/packages/')
  if (pk >= 0) return path.slice(pk + 1)
  const b = path.indexOf('/bench/')
  return b >= 0 ? path.slice(b + 1) : path
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2]
  if (!file) {
    console.error('usage: profile-summary.mjs FILE.cpuprofile [top]')
    process.exit(2)
  }
  const top = Number(process.argv[3] ?? 25)
  const s = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')))
  const pct = (us) => `${((us / 1000 / s.totalMs) * 100).toFixed(1).padStart(5)}%`
  console.log(`total sampled: ${s.totalMs.toFixed(0)} ms\n\nself time by file:`)
  for (const [f, us] of s.files.slice(0, top)) console.log(`${pct(us)}  ${f}`)
  console.log('\nself time by function:')
  for (const [f, us] of s.functions.slice(0, top)) console.log(`${pct(us)}  ${f}`)
  console.log('\ntotal time of Polyhost functions (including what they call):')
  for (const [f, us] of s.polyhostInclusive.slice(0, top)) console.log(`${pct(us)}  ${f}`)
}
