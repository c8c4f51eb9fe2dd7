// Fills lists of 1-byte elements from scripts that make ~8 KB of other short-lived buffers
// (ECHO replies) between their writes, until the store (maxBytes 2 MB) refuses, and prints
// as one JSON line how much the host's heap and external memory grew, after a full
// collection. A store that kept slices of Node's 8 KiB buffer pool kept one slab alive per
// element: ~60 times its maxBytes.
// Usage: node --expose-gc pool-slabs.mjs (built dist/)
import { createRedisScripting, memoryStore } from '../../dist/index.js'

const maxBytes = 2_000_000
const redis = await createRedisScripting({ store: memoryStore({ maxBytes }), limits: { timeoutMs: 60_000 } })
/** Heap and external bytes after full collections (freed ArrayBuffers are released a moment later). */
const held = async () => {
  for (let i = 0; i < 3; i++) {
    globalThis.gc()
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const m = process.memoryUsage()
  return m.heapUsed + m.external
}
await redis.command(['EVAL', "return redis.call('ECHO', string.rep('y', 4000))", '0'])
const before = await held()
const src = `local pad = string.rep('y', 4000)
for i = 1, 500 do
  redis.call('ECHO', pad) redis.call('ECHO', pad)
  if type(redis.pcall('RPUSH', 'l' .. (i % 50), 'x')) == 'table' then return 'OOM' end
end`
for (let run = 0; run < 400; run++) if ((await redis.command(['EVAL', src, '0'])) === 'OOM') break
let elements = 0
for (let i = 0; i < 50; i++) elements += await redis.command(['LLEN', `l${i}`])
process.stdout.write(`${JSON.stringify({ elements, maxBytes, grew: (await held()) - before })}\n`)
await redis.close()
