// Runs KEYS over the embedded store in this process and prints its reply and the time it
// took as one JSON line. Usage: node keys-glob.mjs '<json { count, prefix, pattern }>' (built dist/): keys are
// `prefix` followed by 0 … count − 1.
import { createRedisScripting, memoryStore } from '../../dist/index.js'

const { count, prefix, pattern } = JSON.parse(process.argv[2] ?? '{}')
const keys = Array.from({ length: count }, (_, i) => `${prefix}${i}`)
const redis = await createRedisScripting({ store: memoryStore(), limits: { timeoutMs: 5_000 } })
for (let i = 0; i < keys.length; i += 100) await redis.command(['MSET', ...keys.slice(i, i + 100).flatMap((k) => [k, '1'])])
const started = performance.now()
const reply = await redis.command(['KEYS', pattern])
process.stdout.write(`${JSON.stringify({ reply, ms: performance.now() - started })}\n`)
await redis.close()
