// multi-tenant — two tenants share one host. partitionByTenant keeps each tenant's
// executions on states no other tenant touches; `context` (frozen) tells scripts and
// bridges who is calling; each tenant gets its own limits.
import { createHost, defineBridge } from '@polyhost/core'
import { luaEngine } from '@polyhost/engine-lua'
import { z } from 'zod'

const host = await createHost({ engines: [luaEngine()], pool: { min: 0, max: 4, partitionByTenant: true } })
const store = new Map()

host.bridges.register(
  defineBridge({
    name: 'kv',
    methods: {
      get: { args: [z.string()], handler: (ctx, k) => store.get(`${ctx.tenant}:${k}`) ?? null },
      set: { args: [z.string(), z.string()], handler: (ctx, k, v) => void store.set(`${ctx.tenant}:${k}`, v) },
    },
  }),
)

const tenantLimits = { acme: { instructions: 1_000_000 }, globex: { instructions: 50_000 } }
const script = 'kv.set("plan", context.plan) leaked = context.tenant return context.tenant .. " on " .. kv.get("plan")'

for (const [tenant, plan] of [
  ['acme', 'gold'],
  ['globex', 'free'],
]) {
  const r = await host.execute({ language: 'lua', source: script, context: { tenant, plan }, limits: tenantLimits[tenant] })
  console.log(`${tenant}: ${r.value}`)
}
// a global written by one tenant's script is gone for the next execution, whoever runs it
const probe = await host.execute({ language: 'lua', source: 'return leaked == nil', context: { tenant: 'acme' } })
console.log(`globals isolated between executions: ${probe.value}`)
console.log(`store: ${JSON.stringify(Object.fromEntries(store))}`)
await host.close()
