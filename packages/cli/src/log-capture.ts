import type { EnginePlugin, LogEntry } from '@polyhost/core'
import type { Execution } from '@polyhost/core/engine'

/** A plugin that remembers the execution it last ran, so its logs outlive a failure. */
export interface CapturingPlugin {
  readonly plugin: EnginePlugin
  /** What the last execution printed before it ended, however it ended. */
  logs(): readonly LogEntry[]
}

/**
 * Wraps an engine plugin so the command can print the lines a script wrote before it
 * failed: `host.execute` rejects with the error alone, while the Execution the host hands
 * the engine keeps every captured line. The CLI runs one inline execution per host, so
 * the last execution is the one that failed.
 */
export function captureLogs(inner: EnginePlugin): CapturingPlugin {
  let last: Execution | undefined
  const plugin: EnginePlugin = {
    ...inner,
    async create(env) {
      const engine = await inner.create(env)
      return {
        compile: (source) => engine.compile(source),
        execute: (script, request) => {
          last = request.execution
          return engine.execute(script, request)
        },
        stats: () => engine.stats(),
        close: () => engine.close(),
      }
    },
  }
  return { plugin, logs: () => last?.logs ?? [] }
}
