import type { RedisStore } from '../store/memory-store.js'
import { StatusReply } from '../store/replies.js'

/**
 * INFO's text: the fields a client library reads (BullMQ reads `redis_version` and
 * `maxmemory_policy`) in Redis 7.0's section layout. Counters a server keeps (memory,
 * commands processed, uptime) are not modelled and are left out.
 */
/**
 * `keys`: the key count of each database by index (the Keyspace section lists those that have
 * keys); `expires`: how many of them have an expiry. `avg_ttl` is Redis's running estimate,
 * sampled by its active expiry cycle (never run here): always 0, a documented deviation.
 */
export function infoText(
  sections: readonly string[],
  keys: readonly number[],
  connections: number,
  expires: readonly number[] = [],
): string {
  const wanted = sections.filter((s) => s !== 'default' && s !== 'all' && s !== 'everything')
  const out: string[] = []
  for (const [name, lines] of Object.entries(sectionsOf(keys, connections, expires))) {
    if (wanted.length && !wanted.includes(name.toLowerCase())) continue
    if (name === 'Keyspace' && lines.length === 0) {
      out.push('# Keyspace\r\n')
      continue
    }
    out.push(`# ${name}\r\n${lines.map((l) => `${l}\r\n`).join('')}`)
  }
  return out.join('\r\n')
}

/** The key count of each database the store keeps: 0, and those after it it answers `SELECT n` with OK for. */
export function databaseSizes(store: RedisStore): number[] {
  const keys: number[] = []
  for (let db = 0; db < 16; db++) {
    if (db > 0) {
      const ok = store.execute([Buffer.from('SELECT'), Buffer.from(String(db))])
      if (!(ok instanceof StatusReply && ok.status === 'OK')) break
    }
    const n = store.execute([Buffer.from('DBSIZE')], undefined, db)
    keys.push(typeof n === 'number' ? n : 0)
  }
  return keys
}

/** How many live keys of each database in `keys` have an expiry, when the store tells. */
export function databaseExpires(store: RedisStore, keys: readonly number[]): number[] {
  return keys.map((n, db) => (n > 0 && store.expiring ? store.expiring(db) : 0))
}

// --- internal ---

function sectionsOf(keys: readonly number[], connections: number, expires: readonly number[]): Record<string, string[]> {
  return {
    Server: ['redis_version:7.0.15', 'redis_mode:standalone', 'arch_bits:64', 'multiplexing_api:none', 'process_id:0', 'tcp_port:0'],
    Clients: [`connected_clients:${connections}`, 'blocked_clients:0'],
    Memory: ['maxmemory:0', 'maxmemory_human:0B', 'maxmemory_policy:noeviction'],
    Persistence: ['loading:0', 'rdb_changes_since_last_save:0'],
    Replication: ['role:master', 'connected_slaves:0'],
    Keyspace: keys.flatMap((n, db) => (n > 0 ? [`db${db}:keys=${n},expires=${expires[db] ?? 0},avg_ttl=0`] : [])),
  }
}
