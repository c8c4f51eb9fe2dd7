import type { EngineStats, ScriptEngine } from '../contracts.js'

// The engine statistics a worker reports to the host: they cross threads, so they must survive
// a structured clone.

/** Every engine's statistics, cloned (an engine's own extras that cannot cross are left out). */
export function allStats(engines: ReadonlyMap<string, { readonly engine: ScriptEngine }>): Record<string, EngineStats> {
  const out: Record<string, EngineStats> = {}
  for (const [id, { engine }] of engines) {
    try {
      out[id] = structuredClone(engine.stats())
    } catch {
      out[id] = { pool: engine.stats().pool }
    }
  }
  return out
}

/** The pool and the engine's numeric counters (plain numbers, cheap to clone; `discarded`...). */
export function countersOf(stats: EngineStats): EngineStats {
  const out: Record<string, unknown> = { pool: stats.pool }
  for (const [k, v] of Object.entries(stats)) if (typeof v === 'number') out[k] = v
  return out as EngineStats
}
