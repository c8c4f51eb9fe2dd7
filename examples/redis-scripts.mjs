// Redis 7.0 scripting in-process: EVAL/EVALSHA over an embedded keyspace, no server.
// Run: node examples/redis-scripts.mjs (after `pnpm run build`)
import { LimitExceededError } from '@polyhost/core'
import { createRedisScripting, memoryStore } from '@polyhost/redis'

const redis = await createRedisScripting({ store: memoryStore(), limits: { timeoutMs: 2000 } })

// plain commands, in ioredis call() shapes
await redis.command(['SET', 'stock:apple', '3'])
console.log('GET ->', await redis.command(['GET', 'stock:apple']))

// a read-modify-write script, loaded once and called by its SHA as Redis clients do
const take = `
local left = tonumber(redis.call('GET', KEYS[1]) or '0')
if left < tonumber(ARGV[1]) then return redis.error_reply('SOLDOUT only ' .. left .. ' left') end
redis.call('DECRBY', KEYS[1], ARGV[1])
redis.call('RPUSH', KEYS[2], ARGV[2])
return left - tonumber(ARGV[1])
`
const sha = await redis.command(['SCRIPT', 'LOAD', take])
// concurrent callers: every script runs whole, one at a time, as in Redis
const buyers = ['ada', 'grace', 'alan', 'edsger']
const results = await Promise.allSettled(buyers.map((b) => redis.command(['EVALSHA', sha, '2', 'stock:apple', 'orders', '1', b])))
for (const [i, r] of results.entries()) console.log(`${buyers[i]}:`, r.status === 'fulfilled' ? `ok, ${r.value} left` : r.reason.message)
console.log('orders ->', JSON.stringify(await redis.command(['LRANGE', 'orders', '0', '-1'])))

// cjson and Lua 5.1 numbers, as Redis's scripts see them
console.log('cjson ->', await redis.eval('return cjson.encode({n = 10 / 4, list = {1, 2, 3}})'))
console.log('tostring(3 / 1) ->', await redis.eval('return tostring(3 / 1)'))

// a runaway script is stopped (Redis would answer BUSY); the next call works
try {
  await redis.eval('while true do end')
} catch (e) {
  console.log('runaway:', e instanceof LimitExceededError ? `LimitExceededError (${e.limit})` : e)
}
console.log('after runaway ->', await redis.command(['GET', 'stock:apple']))
await redis.close()
