import { type BridgeDefinition, type CustomType, defineBridge, type Host } from '@polyhost/core'
import { z } from 'zod'
import { Gate, sleep } from './checks.js'

/** What the kit's bridge saw: calls, concurrency, signals, last arguments. */
export class BridgeProbe {
  ticks = 0
  inFlight = 0
  maxInFlight = 0
  last: unknown
  readonly signals: AbortSignal[] = []
  /** Opened by the test to let `kv.hold` calls finish. */
  gate = new Gate()
  /** Resolves when a `kv.hold` call has started. */
  started = new Gate()
  /** What `kv.swap` keeps, keyed by the calling tenant and the key. */
  readonly store = new Map<string, unknown>()

  /** The `kv` bridge used by the kit's tests. */
  bridge(): BridgeDefinition {
    return defineBridge({
      name: 'kv',
      description: 'conformance fixture',
      methods: {
        add: { args: [z.number(), z.number()], handler: (_c, a, b) => a + b },
        upper: { args: [z.string()], handler: (_c, s) => s.toUpperCase() },
        echo: {
          args: [z.unknown()],
          handler: (_c, v) => {
            this.last = v
            return v
          },
        },
        fail: {
          args: [z.string()],
          handler: (_c, message) => {
            throw new Error(message)
          },
        },
        tick: { args: [], handler: () => ++this.ticks },
        note: {
          args: [z.string()],
          handler: (c, message) => {
            c.log(message, 'warn')
            return true
          },
        },
        ctx: {
          args: [],
          handler: (c) => ({ tenant: c.tenant ?? null, language: c.language, scriptName: c.scriptName, user: c.context.user ?? null }),
        },
        later: {
          args: [z.string()],
          handler: async (_c, s) => {
            this.enter()
            try {
              await sleep(15)
              return `${s}!`
            } finally {
              this.inFlight--
            }
          },
        },
        soon: {
          // async without a timer: a turn of the host's event loop, cheap enough for thousands of calls
          args: [z.string()],
          handler: async (_c, s) => {
            await new Promise((r) => setImmediate(r))
            return `${s}!`
          },
        },
        swap: {
          // bridge-side state per tenant: what this tenant stored under `key` last (null at first)
          args: [z.string(), z.unknown()],
          handler: (c, key, value) => {
            const slot = `${c.tenant ?? ''}\u0000${key}`
            const previous = this.store.get(slot) ?? null
            this.store.set(slot, value)
            return previous
          },
        },
        failLater: {
          args: [z.string()],
          handler: async (_c, message) => {
            await sleep(2)
            throw new Error(message)
          },
        },
        hold: {
          args: [z.string()],
          handler: async (c, s) => {
            this.signals.push(c.signal)
            this.enter()
            this.started.open()
            try {
              await Promise.race([this.gate.promise, aborted(c.signal)])
              return s
            } finally {
              this.inFlight--
            }
          },
        },
      },
    })
  }

  /** Registers the bridge on `host` and returns the probe. */
  on(host: Host): this {
    host.bridges.register(this.bridge())
    return this
  }

  private enter(): void {
    this.inFlight++
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight)
  }
}

/** A host class that crosses as a custom type. */
export class Money {
  constructor(
    readonly cents: number,
    readonly currency: string,
  ) {}
}

export const moneyType: CustomType<Money, { cents: number; currency: string }> = {
  name: 'Money',
  test: (v) => v instanceof Money,
  toScript: (m) => ({ cents: m.cents, currency: m.currency }),
  fromScript: (o) => new Money(o.cents, o.currency),
}

// --- internal ---

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason)
    signal.addEventListener('abort', () => reject(signal.reason), { once: true })
  })
}
