// Fills the embedded store (default bound) with lists of 1-byte elements from scripts until
// the store refuses, and prints how it ended as one JSON line. Run it with a small heap
// (`--max-old-space-size`): a store whose count falls short of what its elements cost the
// heap takes the process down with V8's fatal out-of-memory error instead.
// Usage: node --max-old-space-size=N fill-lists.mjs (built dist/)
import { createRedisScripting, defaultStoreMaxBytes, memoryStore } from '../../dist/index.js'

const redis = await createRedisScripting({ store: memoryStore(), limits: { timeoutMs: 10_000 } })
const fill = "local t = {} for i = 1, 5000 do t[i] = 'x' end for j = 1, 20 do redis.call('RPUSH', 'L' .. ARGV[1], unpack(t)) end return 1"
let calls = 0
let ended = 'no refusal'
for (; calls < 2000; calls++) {
  try {
    await redis.command(['EVAL', fill, '0', String(calls)])
  } catch (e) {
    ended = e.message.slice(0, 60)
    break
  }
}
const elements = await redis.command([
  'EVAL',
  "local n = 0 for _, k in ipairs(redis.call('KEYS', 'L*')) do n = n + redis.call('LLEN', k) end return n",
  '0',
])
process.stdout.write(
  `${JSON.stringify({ calls, ended, elements, maxBytes: defaultStoreMaxBytes(), heapUsed: process.memoryUsage().heapUsed })}\n`,
)
await redis.close()
