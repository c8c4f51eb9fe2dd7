import type { PolicyInput } from '@polyhost/security'
import { z } from 'zod'
import { type BridgeDefinition, defineBridge } from '../../src/bridges.js'

const store = new Map<string, string>()

/** Bridges of every shape the typings must cover: async, optional, nested, enums, tuples. */
export const FIXTURE_BRIDGES: readonly BridgeDefinition[] = [
  defineBridge({
    name: 'kv',
    description: 'Tenant key-value store',
    methods: {
      get: {
        description: 'Reads a key; null when absent',
        args: [z.string().meta({ title: 'key', description: 'the key to read' })],
        returns: z.string().nullable(),
        handler: async (_ctx, key) => store.get(key) ?? null,
      },
      set: {
        args: [z.string().meta({ title: 'key' }), z.string().meta({ title: 'value' })],
        handler: (_ctx, k, v) => {
          store.set(k, v)
        },
      },
      list: {
        description: 'Keys with a prefix',
        args: [z.string().optional().meta({ title: 'prefix' })],
        returns: z.array(z.string()),
        handler: (_ctx, prefix) => [...store.keys()].filter((k) => k.startsWith(prefix ?? '')),
      },
    },
  }),
  defineBridge({
    name: 'orders',
    description: 'Order arithmetic',
    methods: {
      total: {
        description: 'Sums an order',
        args: [
          z.object({ items: z.array(z.object({ sku: z.string(), qty: z.number().int(), price: z.number() })) }).meta({ title: 'order' }),
          z.enum(['EUR', 'USD']).meta({ title: 'currency' }),
        ],
        returns: z.object({ amount: z.number(), currency: z.string() }),
        handler: (_ctx, order, currency) => ({ amount: order.items.reduce((s, i) => s + i.qty * i.price, 0), currency }),
      },
      pair: {
        args: [z.tuple([z.string(), z.number()]), z.boolean().optional()],
        returns: z.union([z.string(), z.number()]),
        handler: (_ctx, [a, b], flag) => (flag ? a : b),
      },
    },
  }),
  defineBridge({
    name: 'admin',
    methods: { drop: { args: [], handler: () => 'dropped' } },
  }),
]

/** Declared globals and context of the fixture host. */
export const FIXTURE_GLOBALS = {
  order: z
    .object({ id: z.string(), items: z.array(z.object({ sku: z.string(), qty: z.number().int().positive() })) })
    .describe('The order being priced'),
  threshold: z.number(),
}
export const FIXTURE_CONTEXT = z.object({ tenant: z.string(), user: z.string().optional() })

/** The policy's allowlist hides `admin.*` from scripts, and so from the typings. */
export const FIXTURE_POLICY: PolicyInput = { preset: 'standard', bridges: { allow: ['kv.*', 'orders.*'] } }
