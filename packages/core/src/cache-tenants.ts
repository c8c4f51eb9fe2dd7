import type { CompiledScript } from './contracts.js'

/**
 * Most tenants remembered per compiled script. A tenant past that is never told of a hit on
 * it: safe (nothing leaks), only less informative.
 */
const MAX_TENANTS_PER_SCRIPT = 256

/** Who compiled or ran each cached script (`undefined`: executions without a tenant). */
const users = new WeakMap<CompiledScript, Set<string | undefined>>()

/**
 * The compile-cache hit as `tenant` may see it, and records the tenant as a user of `script`.
 * The cache is shared by all tenants (a performance feature), but a hit on an entry another
 * tenant made would tell this one that someone ran that exact source: a hit is reported only
 * on an entry this tenant (executions without a tenant count as one) compiled or ran before.
 * Entries go with their compiled script, so an evicted one starts over.
 */
export function tenantCacheHit(script: CompiledScript, tenant: string | undefined, hit: boolean): boolean {
  let seen = users.get(script)
  if (!seen) {
    seen = new Set()
    users.set(script, seen)
  }
  if (seen.has(tenant)) return hit
  if (seen.size < MAX_TENANTS_PER_SCRIPT) seen.add(tenant)
  return false
}
