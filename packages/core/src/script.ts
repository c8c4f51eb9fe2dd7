import type { SecurityManager } from '@polyhost/security'
import type { CompiledScript, ExecutionResult, SourceText } from './contracts.js'
import { checkSource } from './host-checks.js'
import { type CompileRequest, checkRequest, type RunOptions } from './host-options.js'
import type { ManagedEngine } from './plugin.js'

/** A script compiled once and run many times (`host.compile`). */
export interface Script {
  readonly name: string
  readonly language: string
  readonly engine: string
  run(options?: RunOptions): Promise<ExecutionResult>
}

/** A compiled script and whether it came from the compile cache. */
export interface Compiled {
  readonly script: CompiledScript
  readonly hit: boolean
}

/** What a Script needs of its host. */
export interface ScriptHost {
  /** Runs `fn` as work that `close()` waits for. */
  track<T>(fn: () => Promise<T>): Promise<T>
  /** The policy in force now. */
  security(): SecurityManager
  compile(engine: ManagedEngine, text: Omit<SourceText, 'hash'>): Promise<Compiled> | Compiled
  run(engine: ManagedEngine, script: CompiledScript, hit: boolean, options: RunOptions): Promise<ExecutionResult>
}

/**
 * Compiles `req` on `engine` and returns the Script that runs it. The compiled form stays
 * valid while the policy does; after `setPolicy`, the next run compiles again.
 */
export async function compileScript(host: ScriptHost, engine: ManagedEngine, language: string, req: CompileRequest): Promise<Script> {
  const name = req.name ?? `script.${language}`
  let compiled: { hit: Compiled; fingerprint: string } | undefined
  // synchronous while the policy is unchanged: a warm run takes no extra microtask turn
  const get = (): Promise<Compiled> | Compiled => {
    const security = host.security()
    if (compiled?.fingerprint === security.fingerprint) return compiled.hit
    const fingerprint = security.fingerprint
    const limits = security.policy.limits
    checkSource(req.source, limits)
    const keep = (r: Compiled): Compiled => {
      compiled = { hit: { script: r.script, hit: true }, fingerprint }
      return r
    }
    const r = host.compile(engine, { language, name, source: req.source, timeoutMs: limits.timeoutMs })
    return r instanceof Promise ? r.then(keep) : keep(r)
  }
  await get()
  return {
    name,
    language,
    engine: engine.plugin.id,
    // not an async function: a run of the compiled form needs no extra frame and promise
    run: (options: RunOptions = {}) =>
      host.track(() => {
        const opts = checkRequest<RunOptions>('run', options)
        const go = ({ script, hit }: Compiled) => {
          // a run may tighten the source limit below the compiled script's size
          if (opts.limits !== undefined) checkSource(req.source, host.security().limitsFor(opts.limits))
          return host.run(engine, script, hit, opts)
        }
        const c = get()
        return c instanceof Promise ? c.then(go) : go(c)
      }),
  }
}
