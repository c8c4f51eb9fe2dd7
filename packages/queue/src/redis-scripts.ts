import { createHash } from 'node:crypto'
import type { Redis } from 'ioredis'

/**
 * Runs a Lua script by its SHA-1 (EVALSHA), sending its source only when Redis does not have
 * it yet (after a restart or SCRIPT FLUSH). Scripts that run per job would otherwise cross the
 * socket, and be hashed by Redis, on every call.
 */
export async function runScript(redis: Redis, lua: string, numKeys: number, ...args: (string | number)[]): Promise<unknown> {
  let sha = SHAS.get(lua)
  if (!sha) {
    sha = createHash('sha1').update(lua).digest('hex')
    SHAS.set(lua, sha)
  }
  try {
    return await redis.evalsha(sha, numKeys, ...args)
  } catch (e) {
    if (e instanceof Error && e.message.startsWith('NOSCRIPT')) return redis.eval(lua, numKeys, ...args)
    throw e
  }
}

// --- internal ---

const SHAS = new Map<string, string>()
