import { LRUCache } from 'lru-cache'

/** First wait after a kill; it doubles with each further kill of the same key. */
export const BACKOFF_BASE_MS = 250
/** Longest wait. */
export const BACKOFF_MAX_MS = 30_000
/** A key with no kill for this long starts over. */
const FORGET_MS = 10 * 60_000

interface Entry {
  kills: number
  until: number
}

/**
 * Restart back-off for worker kills. Each time the watchdog terminates a worker for an
 * execution, its key (the tenant, or the script when there is none) must wait before its next
 * execution starts: 250 ms, doubling per kill up to 30 s. A script that keeps forcing kills
 * thus costs a bounded number of worker restarts (each one re-creates every engine) instead of
 * one per run. Bounded memory: at most 10,000 keys, each forgotten 10 min after its last kill.
 */
export class KillBackoff {
  private readonly entries = new LRUCache<string, Entry>({ max: 10_000, ttl: FORGET_MS })

  /** Records a kill blamed on `key`. */
  killed(key: string): void {
    const e = this.entries.get(key) ?? { kills: 0, until: 0 }
    e.kills++
    e.until = performance.now() + Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (e.kills - 1))
    this.entries.set(key, e)
  }

  /** Milliseconds `key` must still wait (0: none). */
  delay(key: string): number {
    const e = this.entries.get(key, { updateAgeOnGet: false })
    return e ? Math.max(0, e.until - performance.now()) : 0
  }
}

/** The back-off key of a job: its tenant, else its script. */
export function backoffKey(job: { readonly tenant: string | undefined; readonly engine: string; readonly hash: string }): string {
  return job.tenant !== undefined ? `t\0${job.tenant}` : `s\0${job.engine}\0${job.hash}`
}
