import type { ResourceLimits } from 'node:worker_threads'
import type { Flight } from './flight.js'
import { ABORT_MEMORY_KIB } from './protocol.js'

// Who is to blame when a worker runs out of V8 heap while it holds several executions. The
// heap is shared, so the execution that was allocating when it ran out is often not the one
// holding it (a small script resuming after a bridge call). The worker's own accounting, as
// each engine last set `memoryBytes` (published in the shared abort flag, see
// worker-execution.ts), tells the executions that held the heap from the bystanders.

/** Whether a worker's crash is V8 heap exhaustion (its `resourceLimits`). */
export function isHeapExhaustion(crash: Error | undefined): boolean {
  return (crash as { code?: string } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY'
}

/** The worker's old-generation heap limit in bytes (0: unknown). */
export function heapBytes(limits: ResourceLimits): number {
  return (limits.maxOldGenerationSizeMb ?? 0) * 1024 * 1024
}

/** The memory the worker last accounted to a flight's execution (bytes, rounded up to KiB). */
export function accountedBytes(f: Flight): number {
  return f.flag.length > ABORT_MEMORY_KIB ? Atomics.load(f.flag, ABORT_MEMORY_KIB) * 1024 : 0
}

/**
 * The flights charged with a heap overrun: those whose accounted memory was over their share
 * of the heap (heap / executions on the worker); if none was, the one(s) accounted the most.
 * A lone execution is charged. When no execution has any memory accounted (an engine that
 * reports it only at the end), nothing tells them apart and all are charged, as before.
 */
export function heapCulprits(flights: readonly Flight[], heap: number): ReadonlySet<Flight> {
  if (flights.length <= 1) return new Set(flights)
  const used = flights.map(accountedBytes)
  const share = heap / flights.length
  let charged = heap > 0 ? flights.filter((_, i) => (used[i] ?? 0) > share) : []
  if (charged.length === 0) {
    const top = Math.max(...used)
    charged = top > 0 ? flights.filter((_, i) => used[i] === top) : [...flights]
  }
  return new Set(charged)
}
