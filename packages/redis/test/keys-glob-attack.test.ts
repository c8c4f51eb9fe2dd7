import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hasRedisServer, type RealRedis, startRedis } from './real-redis.js'

// A client's KEYS (or SCAN MATCH) pattern with many `*` over long keys that do not match:
// the embedded store compiles the glob to a JavaScript RegExp (`src/store/glob.ts`), whose
// backtracking is O(key length ^ stars) and runs on the host's thread without any check, so
// one command froze the host process (2,000 keys of ~200 bytes and `*a*a*a*a*a*a*a*a*a*a*a*a*b`
// ran past 8 minutes). redis-server 7.0.15 answers at once (its stringmatchlen stops a
// `*` that cannot lead to a match, CVE-2022-36021). The store runs in a child process here,
// killed after 20 s so that the regression fails instead of hanging the runner.

const CHILD = fileURLToPath(new URL('./child-attack/keys-glob.mjs', import.meta.url))
const COUNT = 2_000
const PREFIX = 'a'.repeat(200)
const KEYS = Array.from({ length: COUNT }, (_, i) => `${PREFIX}${i}`)
const PATTERN = '*a*a*a*a*a*a*a*a*a*a*a*a*b'

function embeddedKeys(pattern: string): Promise<{ reply: unknown; ms: number }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CHILD, JSON.stringify({ count: COUNT, prefix: PREFIX, pattern })],
      { timeout: 20_000, maxBuffer: 64 << 20 },
      (err, stdout) => {
        if (err) reject(new Error(`the embedded store held on or failed (${err.signal ?? err.code})`))
        else resolve(JSON.parse(stdout.trim()) as { reply: unknown; ms: number })
      },
    )
  })
}

describe.runIf(hasRedisServer)('KEYS with a backtracking glob over long keys', () => {
  let real: RealRedis
  beforeAll(async () => {
    real = await startRedis()
  })
  afterAll(() => real?.stop())

  it('answers as redis-server does, within seconds', async () => {
    for (let i = 0; i < KEYS.length; i += 100) await real.client.mset(...KEYS.slice(i, i + 100).flatMap((k) => [k, '1']))
    const expected = (await real.client.call('KEYS', PATTERN)) as string[]
    const mine = await embeddedKeys(PATTERN)
    expect(mine.reply).toEqual(expected)
    expect(mine.ms).toBeLessThan(5_000)
  }, 60_000)
})
