import { LIMIT_NAMES, type LimitName } from '@polyhost/security'
import type { CacheStats } from './compile-cache.js'
import type { EngineStats } from './contracts.js'
import { LimitExceededError, ScriptSyntaxError } from './errors.js'

/** What `host.stats()` reports. */
export interface HostStats {
  /** `execute` and `run` calls that ran or failed to compile. */
  readonly executions: number
  /** Of those, the ones that ended in an error (syntax errors included). */
  readonly failures: number
  readonly limitTrips: Readonly<Record<LimitName, number>>
  readonly running: number
  readonly cache: CacheStats
  readonly engines: Readonly<Record<string, EngineStats>>
}

/** A host's execution counters: runs, failures, and limit trips by limit. */
export class HostCounters {
  executions = 0
  failures = 0
  private readonly trips = Object.fromEntries(Object.values(LIMIT_NAMES).map((l) => [l, 0])) as Record<LimitName, number>

  /** An execution ended with `error` (the execution's fatal error when it has one). */
  failed(error: unknown): void {
    this.failures++
    if (error instanceof LimitExceededError) this.trips[error.limit]++
  }

  /**
   * A script that does not compile (or is over the source limit) counts as a failed
   * execution; other errors (bad input, closed host) are not executions at all.
   */
  compileFailed(error: unknown): void {
    if (error instanceof ScriptSyntaxError || error instanceof LimitExceededError) {
      this.executions++
      this.failed(error)
    }
  }

  stats(running: number, cache: CacheStats, engines: Record<string, EngineStats>): HostStats {
    return {
      executions: this.executions,
      failures: this.failures,
      limitTrips: { ...this.trips },
      running,
      cache,
      engines,
    }
  }
}
