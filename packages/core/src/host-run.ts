import type { SecurityManager } from '@polyhost/security'
import type { BridgeRegistry } from './bridges.js'
import type { CompiledScript, ExecutionResult } from './contracts.js'
import type { DeclaredGlobals } from './declared-globals.js'
import { asBridgeError } from './bridge-failure.js'
import { tenantCacheHit } from './cache-tenants.js'
import { EngineCrashedError, isFatal, markEnded, PolyhostError } from './errors.js'
import { Execution } from './execution.js'
import { checkCapabilities, checkGlobalNames, freezeContext } from './host-checks.js'
import type { RunOptions } from './host-options.js'
import type { HostCounters } from './host-stats.js'
import type { ManagedEngine } from './plugin.js'

/** What a run needs of its host, read when the run starts. */
export interface RunContext {
  /** The policy in force when the run starts. */
  readonly security: SecurityManager
  readonly bridges: BridgeRegistry
  readonly declared: DeclaredGlobals
  readonly counters: HostCounters
  /** Executions under way, so that a close past its drain timeout can cancel them. */
  readonly live: Set<Execution>
  /** A closing host's drain deadline (`performance.now()` clock), if it is closing. */
  readonly closeAt?: number | undefined
}

/**
 * Runs a compiled script once: checks the run's limits, globals and context, assembles the
 * Execution, has the engine run it and counts the outcome. The error is the execution's fatal
 * error when it has one (an engine may report a later symptom), and a non-Polyhost error is
 * an EngineCrashedError naming the engine.
 */
export async function runScript(
  ctx: RunContext,
  engine: ManagedEngine,
  script: CompiledScript,
  hit: boolean,
  req: RunOptions,
  /** `hit` came from the cache every tenant shares (`execute`), not from the caller's own Script. */
  shared = false,
): Promise<ExecutionResult> {
  const security = ctx.security
  const limits = security.limitsFor(req.limits)
  // the policy's own limits were checked against every plugin when it was set
  if (req.limits !== undefined) checkCapabilities(engine.plugin, limits)
  // checked as the script gets them: the frozen copy of context, declared globals read once
  const context = freezeContext(req.context)
  const globals = ctx.declared.empty ? req.globals : ctx.declared.check(req.globals, req.context === undefined ? undefined : context)
  checkGlobalNames(globals, ctx.bridges, security)
  // an empty context.tenant names no tenant (as `tenant: ''` is refused)
  const tenant = req.tenant ?? (typeof context.tenant === 'string' && context.tenant !== '' ? context.tenant : undefined)
  const execution = new Execution({
    engine: engine.plugin.id,
    language: script.language,
    scriptName: script.name,
    tenant,
    context,
    limits,
    // registrations made while it runs apply to executions that start afterwards
    bridges: ctx.bridges.snapshot(),
    security,
    compileCacheHit: shared ? tenantCacheHit(script, tenant, hit) : hit,
    undefinedValue: engine.plugin.capabilities.undefinedValue,
    signal: req.signal,
    caller: req.caller,
  })
  ctx.counters.executions++
  ctx.live.add(execution)
  if (ctx.closeAt !== undefined) execution.cancelAfter(ctx.closeAt)
  try {
    const result = await engine.execute(script, { globals: globals ?? {}, context, tenant, execution })
    // an engine that swallowed a fatal error must not turn it into a success
    if (execution.fatal) throw execution.fatal
    return result
  } catch (e) {
    const err = execution.fatal ?? asBridgeError(e, execution)
    ctx.counters.failed(err)
    if (err instanceof PolyhostError) throw isFatal(err) ? markEnded(err) : err
    throw markEnded(
      new EngineCrashedError(`engine '${engine.plugin.id}' failed: ${(err as Error)?.message ?? String(err)}`, { cause: err }),
    )
  } finally {
    ctx.live.delete(execution)
    execution.end()
  }
}
