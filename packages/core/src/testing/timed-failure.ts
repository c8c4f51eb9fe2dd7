import type { Host } from '../host.js'
import type { Limits } from '@polyhost/security'

/**
 * Compiles `source`, then runs it and measures how long the run takes to fail: the clock
 * starts with the execution, not with the compile. `error` is undefined if it succeeded.
 * For tests that check a runaway script is stopped within its limit plus a margin.
 *
 * @example
 * const { error, ms } = await timedFailure(host, { language: 'lua', source: 'while true do end' }, { timeoutMs: 100 })
 */
export async function timedFailure(
  host: Host,
  script: { readonly language: string; readonly source: string; readonly name?: string },
  limits: Limits,
): Promise<{ error: unknown; ms: number }> {
  const compiled = await host.compile(script)
  const started = performance.now()
  const error = await compiled.run({ limits }).then(
    () => undefined,
    (e: unknown) => e,
  )
  return { error, ms: performance.now() - started }
}
