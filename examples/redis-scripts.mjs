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

// RESP3 inside a script: HGETALL as a map, ZSCORE as a double, as Redis 7.0 converts them
await redis.command(['HSET', 'fruit:apple', 'colour', 'red'])
await redis.command(['ZADD', 'prices', '0.5', 'apple'])
const resp3 = `redis.setresp(3)
local h = redis.call('HGETALL', KEYS[1])
local p = redis.call('ZSCORE', KEYS[2], 'apple')
return {h.map.colour, p}`
console.log('RESP3 ->', await redis.eval(resp3, { keys: ['fruit:apple', 'prices'] }))

// a connection with its own MULTI queue: EXEC runs the queued commands back to back
const conn = redis.connection()
await conn.command(['MULTI'])
await conn.command(['INCR', 'visits'])
await conn.command(['EVAL', "return redis.call('INCRBY', KEYS[1], 10)", '1', 'visits'])
console.log('EXEC ->', await conn.command(['EXEC']))

// a runaway script is stopped (Redis would answer BUSY); the next call works
try {
  await redis.eval('while true do end')
} catch (e) {
  console.log('runaway:', e instanceof LimitExceededError ? `LimitExceededError (${e.limit})` : e)
}
console.log('after runaway ->', await redis.command(['GET', 'stock:apple']))
await redis.close()
