// Runs distinct 200 KB EVAL scripts, each fine on its own, and prints how it ended as one JSON
// line. Run it with a small heap (`--max-old-space-size`): a compiled-script cache bounded by
// count only (each of these holds ~11.5 MB of heap compiled) takes the process down with V8's
// fatal out-of-memory error instead.
// Usage: node --max-old-space-size=N compile-many.mjs [scripts] (built dist/)
import { createRedisScripting, memoryStore } from '../../dist/index.js'

const redis = await createRedisScripting({ store: memoryStore(), limits: { timeoutMs: 60_000 } })
const scripts = Number(process.argv[2] ?? 40)
let ran = 0
for (let i = 0; i < scripts; i++) {
  if ((await redis.command(['EVAL', `local t = {${'1,'.repeat(100_000)}} return ${i}`, '0'])) === i) ran++
}
process.stdout.write(`${JSON.stringify({ ran, heapUsed: process.memoryUsage().heapUsed })}\n`)
await redis.close()
