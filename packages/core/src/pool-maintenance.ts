import type { PoolStates } from './pool-states.js'
import type { ResolvedPoolOptions } from './pool-types.js'

/** What maintenance needs of the pool beyond its states. */
export interface MaintainedPool {
  closed(): boolean
  /** Hands out states to waiting callers. */
  pump(): void
  /** Tops the pool up to `min`. */
  start(): Promise<void>
}

/**
 * The timer that runs `maintain` (unref'd), or undefined when nothing needs a tick: it runs at
 * the health-check interval, or without health checks at the shortest eviction period, since
 * idle and lifetime eviction still need a tick.
 */
export function maintenanceTimer(o: ResolvedPoolOptions, maintain: () => void): ReturnType<typeof setInterval> | undefined {
  const every = o.healthCheckIntervalMs || Math.min(...[o.idleTimeoutMs, o.maxLifetimeMs].filter((x) => x > 0))
  if (!Number.isFinite(every) || every <= 0) return undefined
  const timer = setInterval(maintain, every)
  timer.unref?.()
  return timer
}

/** Evicts idle, old and unhealthy states, then tops the pool back up to `min`. */
export async function evictAndCheck<S>(states: PoolStates<S>, o: ResolvedPoolOptions, pool: MaintainedPool): Promise<void> {
  const now = performance.now()
  for (const e of states.idle.snapshot()) {
    if (pool.closed()) return
    if (!states.idle.has(e)) continue // handed out meanwhile
    const tooOld = o.maxLifetimeMs > 0 && now - e.createdAt >= o.maxLifetimeMs
    // a state claimed by a tenant goes even at `min` (the top-up below replaces it with an
    // unclaimed one): an idle tenant's state does not linger
    const claimed = e.partition !== undefined && e.partition !== ''
    const spare = o.idleTimeoutMs > 0 && now - e.idleSince >= o.idleTimeoutMs && (states.all.size > o.min || claimed)
    if (tooOld || spare) {
      await states.destroy(e)
      continue
    }
    if (o.healthCheckIntervalMs === 0) continue
    // out of the idle list while validating, so no one is handed a state under check
    states.idle.take(e)
    e.active = true
    let healthy: boolean
    try {
      healthy = (await states.factory.validate(e.state)) === true
    } catch {
      healthy = false
    }
    e.active = false
    if (!healthy || pool.closed()) {
      await states.destroy(e)
      continue
    }
    states.idle.restore(e)
    pool.pump()
  }
  if (!pool.closed()) await pool.start().catch(() => undefined)
}
