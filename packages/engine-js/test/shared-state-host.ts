import { createHost, defineBridge, type Host, type PoolOptions } from '@polyhost/core'
import { afterEach } from 'vitest'
import { z } from 'zod'
import { jsEngine } from '../src/index.js'

// The host set-up of the tests that check what one run leaves for the next on the same state
// (test/inert-reset.test.ts, test/cross-tenant.test.ts): one state shared by every tenant, on
// purpose, since what one tenant changes must not reach the next anyway.

export const PRESET_NAMES = ['minimal', 'standard', 'strict'] as const
export type PresetName = (typeof PRESET_NAMES)[number]

/** What `sharedStateHosts` sets up besides the one shared state. */
export interface SharedStateOptions {
  /** Registers `kv.get(key)`, which answers `<tenant>:<key>`. */
  readonly kv?: boolean
}

/**
 * A maker of hosts with a single JS state that every tenant shares (`partitionByTenant: false`);
 * each is closed after its test. `pool` adds options to that pool (`healthCheckIntervalMs`).
 *
 * @example
 * const make = sharedStateHosts({ kv: true })
 * const h = await make('strict')
 */
export function sharedStateHosts(options: SharedStateOptions = {}): (policy: PresetName, pool?: Partial<PoolOptions>) => Promise<Host> {
  let host: Host | undefined
  afterEach(async () => {
    await host?.close()
    host = undefined
  })
  return async (policy, pool = {}) => {
    host = await createHost({ engines: [jsEngine()], policy, pool: { min: 1, max: 1, partitionByTenant: false, ...pool } })
    if (options.kv) {
      const get = { args: [z.string()], handler: (ctx: { tenant?: string }, k: string) => `${ctx.tenant}:${k}` }
      host.bridges.register(defineBridge({ name: 'kv', methods: { get } }))
    }
    return host
  }
}
