import { AsyncLocalStorage } from 'node:async_hooks'
import type { EnginePlugin, LogEntry } from '@polyhost/core'
import type { Execution } from '@polyhost/core/engine'

// `host.execute` rejects with the error alone, while the Execution the host hands the engine
// keeps every line the script printed before it failed. The playground answers a failed run
// with those lines (as the CLI's --json does), so it needs that Execution: an engine wrapped
// by `withRunLogs` records it into the slot of the API request whose `host.execute` started it
// (an AsyncLocalStorage, so concurrent requests each see their own).

interface Slot {
  execution?: Execution
}

const slots = new AsyncLocalStorage<Slot>()

/**
 * Wraps an engine plugin so that a playground answers a failed run with the lines the script
 * printed before its error or limit. Hosts made by `polyhost playground` use it; a host given
 * to `startPlayground` needs its engines wrapped for failed runs to carry logs (unwrapped, and
 * with `isolation: 'worker'`, where the engine runs in another thread, they answer `logs: []`).
 *
 * @example
 * const host = await createHost({ engines: [withRunLogs(luaEngine()), withRunLogs(jsEngine())] })
 */
export function withRunLogs(inner: EnginePlugin): EnginePlugin {
  return {
    ...inner,
    async create(env) {
      const engine = await inner.create(env)
      return {
        compile: (source) => engine.compile(source),
        execute: (script, request) => {
          const slot = slots.getStore()
          if (slot) slot.execution = request.execution
          return engine.execute(script, request)
        },
        stats: () => engine.stats(),
        close: () => engine.close(),
      }
    },
  }
}

/**
 * Runs `fn` (one `host.execute`); `logs()` reads what that execution printed, also after it
 * failed: nothing when the engine is not wrapped by {@link withRunLogs} or never started it.
 */
export function withLogSlot<T>(fn: () => Promise<T>): { readonly done: Promise<T>; logs(): readonly LogEntry[] } {
  const slot: Slot = {}
  const done = slots.run(slot, fn)
  return { done, logs: () => slot.execution?.logs ?? [] }
}
