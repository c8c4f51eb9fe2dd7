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

/**
 * Settles `p` while a timer runs every `intervalMs`, and reports with its failure (undefined
 * if it succeeded) and wall time the longest the event loop went without running that timer
 * (`stallMs`, up to the settling) and how often the timer ran. For tests that check a script,
 * or the host's work after it, leaves the event loop free.
 *
 * @example
 * const { error, stallMs } = await watchEventLoop(host.execute({ language: 'lua', source }), 1)
 */
export async function watchEventLoop(
  p: Promise<unknown>,
  intervalMs = 5,
): Promise<{ error: unknown; ms: number; stallMs: number; ticks: number }> {
  const started = performance.now()
  let last = started
  let stallMs = 0
  let ticks = 0
  const timer = setInterval(() => {
    const now = performance.now()
    stallMs = Math.max(stallMs, now - last)
    last = now
    ticks++
  }, intervalMs)
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  clearInterval(timer)
  const ended = performance.now()
  return { error, ms: ended - started, stallMs: Math.max(stallMs, ended - last), ticks }
}
