import type { EngineStats, ExecutionResult, ScriptEngine } from '../contracts.js'
import type { DoneMessage } from './protocol.js'

// The engine statistics and results a worker reports to the host: they cross threads, so they
// must survive a structured clone.

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

/**
 * The message of a job whose script returned: one object literal. Spreading the usage fields
 * and overriding them (three spreads) cost several µs of every job on the worker's thread.
 */
export function doneMessage(id: number, r: ExecutionResult, stats: EngineStats | undefined, hit: boolean): DoneMessage {
  const s = r.stats
  const done: DoneMessage = {
    t: 'done',
    id,
    logs: r.logs,
    outputBytes: s.outputBytes,
    instructions: s.instructions,
    memoryBytes: s.memoryBytes,
    stats,
    value: r.value,
    values: r.values,
    durationMs: s.durationMs,
  }
  // the worker compiled the script for this run
  return hit ? done : { ...done, compiled: true }
}
