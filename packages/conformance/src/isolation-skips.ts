import type { ConformanceHostOptions, SkipEntry } from './types.js'

/**
 * Tests an isolation mode cannot run by design, each with its reason. `isolation: 'worker'`
 * moves values between threads by structured clone, so what holds host functions cannot
 * reach a worker (packages/core/src/worker/README.md, "Differences from inline mode"):
 * the host refuses it with a typed error rather than running it differently.
 *
 * Derived from `hostOptions`, applied as automatic skips and printed like every skip.
 */
export function isolationSkips(hostOptions: ConformanceHostOptions | undefined): SkipEntry[] {
  if ((hostOptions?.isolation ?? 'inline') !== 'worker') return []
  return [
    {
      reason: "isolation 'worker': host functions in globals cannot cross threads (ConversionError; register a bridge instead)",
      tests: ['values.host.function', 'parity.host-function-counts', 'parity.host-function-trips', 'results-data-only.host-function'],
    },
    {
      reason:
        "isolation 'worker': custom type converters hold functions and cannot cross threads (converters.register throws InvalidArgumentError)",
      tests: ['values.host.custom-type', 'values.host.custom-type-modified'],
    },
  ]
}

/** `'inline'` or `'worker'`: the isolation the kit's hosts run with. */
export function isolationOf(hostOptions: ConformanceHostOptions | undefined): 'inline' | 'worker' {
  return hostOptions?.isolation ?? 'inline'
}
