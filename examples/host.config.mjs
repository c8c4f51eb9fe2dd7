// A host configuration for the script authors' tools:
//   polyhost types --lang js --config examples/host.config.mjs --out polyhost.d.ts
//   polyhost types --lang lua --config examples/host.config.mjs --out polyhost.lua
//   polyhost playground --config examples/host.config.mjs
import { defineBridge } from '@polyhost/core'
import { z } from 'zod'

const prices = new Map([
  ['apple', 0.5],
  ['pear', 0.75],
])

export default {
  policy: 'standard',
  limits: { timeoutMs: 1000 },
  // declared once: typed for authors, checked on every execution that passes them
  globals: {
    order: z
      .object({ id: z.string(), items: z.array(z.object({ sku: z.string(), qty: z.number().int().positive() })) })
      .describe('The order being priced'),
  },
  context: z.object({ tenant: z.string(), user: z.string().optional() }),
  bridges: [
    defineBridge({
      name: 'catalog',
      description: 'Product catalog',
      methods: {
        price: {
          description: 'Unit price of a product, or nil when unknown',
          args: [z.string().meta({ title: 'sku', description: 'product code' })],
          returns: z.number().nullable(),
          handler: (_ctx, sku) => prices.get(sku) ?? null,
        },
      },
    }),
  ],
  modules: [{ name: 'money', language: 'lua', source: 'return { round = function(x) return math.floor(x * 100 + 0.5) / 100 end }' }],
}
