// What an execution hands back (value, logs, stats): a leaf module, imported by the
// bookkeeping (execution.ts, bridges) and by the engine contracts alike.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
export interface LogEntry {
  readonly level: LogLevel
  readonly message: string
  /** Epoch milliseconds. */
  readonly at: number
}

export interface ExecutionStats {
  readonly durationMs: number
  readonly instructions: number
  readonly memoryBytes: number
  readonly bridgeCalls: number
  readonly outputBytes: number
  readonly compileCacheHit: boolean
  readonly engine: string
}

export interface ExecutionResult<T = unknown> {
  /** The script's (first) result. */
  readonly value: T
  /** All results, for engines with multiple returns; `[value]` otherwise. */
  readonly values: readonly unknown[]
  readonly stats: ExecutionStats
  readonly logs: readonly LogEntry[]
}
