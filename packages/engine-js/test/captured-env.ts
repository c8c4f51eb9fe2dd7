import { createHost, type Host } from '@polyhost/core'
import type { EngineEnvironment } from '@polyhost/core/engine'
import { afterEach } from 'vitest'
import { jsEngine } from '../src/index.js'
import type { JsState } from '../src/js-state.js'

/**
 * For tests that build JS states by hand: `environment()` starts a host (pool min 0) and
 * returns the environment it gave its JS engine, captured from the engine factory; states
 * pushed to `states` are destroyed, and the host closed, after each test.
 */
export function capturedEnvironments() {
  let host: Host | undefined
  const states: JsState[] = []
  afterEach(async () => {
    for (const s of states.splice(0)) s.destroy()
    await host?.close()
    host = undefined
  })
  return {
    states,
    /** The host of the last `environment()` call (undefined after its test). */
    get host(): Host | undefined {
      return host
    },
    async environment(): Promise<EngineEnvironment> {
      let env: EngineEnvironment | undefined
      const factory = jsEngine()
      host = await createHost({ engines: [{ ...factory, create: (e) => factory.create((env = e)) }], pool: { min: 0 } })
      await host.execute({ language: 'js', source: '1' })
      if (!env) throw new Error('no environment')
      return env
    },
  }
}
