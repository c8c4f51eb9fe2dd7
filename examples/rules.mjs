// rules — rule scripts compiled once and evaluated many times: the compile cache at work.
import { createHost } from '@polyhost/core'
import { jsEngine } from '@polyhost/engine-js'
import { luaEngine } from '@polyhost/engine-lua'

const host = await createHost({ engines: [luaEngine(), jsEngine()], policy: 'strict' })
const rules = [
  await host.compile({ name: 'big-order.lua', source: 'return order.total > 100' }),
  await host.compile({ name: 'vip.js', source: 'order.customer.tier === "vip"' }),
]
const orders = Array.from({ length: 50 }, (_, i) => ({ total: i * 5, customer: { tier: i % 7 === 0 ? 'vip' : 'std' } }))

let flagged = 0
let reused = 0
for (const order of orders) {
  const hits = await Promise.all(rules.map((r) => r.run({ globals: { order } })))
  if (hits.some((h) => h.value === true)) flagged++
  reused += hits.filter((h) => h.stats.compileCacheHit).length
}
const { cache, executions } = host.stats()
console.log(`flagged ${flagged} of ${orders.length} orders`)
console.log(`${executions} runs, ${reused} without re-parsing; compile cache: ${cache.misses} compiles, ${cache.size} entries`)
await host.close()
