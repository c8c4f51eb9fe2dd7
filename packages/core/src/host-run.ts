import type { SecurityManager } from '@polyhost/security'
import type { BridgeRegistry } from './bridges.js'
import type { CompiledScript, ExecutionResult } from './contracts.js'
import type { DeclaredGlobals } from './declared-globals.js'
import { BridgeError, EngineCrashedError, isFatal, markEnded, PolyhostError, ScriptRuntimeError } from './errors.js'
import { Execution } from './execution.js'
import { checkCapabilities, freezeContext } from './host-checks.js'
import type { RunOptions } from './host-options.js'
import type { HostCounters } from './host-stats.js'
import type { ManagedEngine } from './plugin.js'
import { hostErrorText } from './sanitize.js'

/** What a run needs of its host, read when the run starts. */
export interface RunContext {
  /** The policy in force when the run starts. */
  readonly security: SecurityManager
  readonly bridges: BridgeRegistry
  readonly declared: DeclaredGlobals
  readonly counters: HostCounters
  /** Executions under way, so that a close past its drain timeout can cancel them. */
  readonly live: Set<Execution>
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
): Promise<ExecutionResult> {
  const security = ctx.security
  const limits = security.limitsFor(req.limits)
  // the policy's own limits were checked against every plugin when it was set
  if (req.limits !== undefined) checkCapabilities(engine.plugin, limits)
  if (!ctx.declared.empty) ctx.declared.check(req.globals, req.context)
  const context = freezeContext(req.context)
  const tenant = req.tenant ?? (typeof context.tenant === 'string' ? context.tenant : undefined)
  const execution = new Execution({
    engine: engine.plugin.id,
    language: script.language,
    scriptName: script.name,
    tenant,
    context,
    limits,
    bridges: ctx.bridges,
    security,
    compileCacheHit: hit,
    signal: req.signal,
  })
  ctx.counters.executions++
  ctx.live.add(execution)
  try {
    const result = await engine.execute(script, { globals: req.globals ?? {}, context, tenant, execution })
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
    execution.dispose()
  }
}

// --- internal ---

/**
 * A script that did not catch a bridge failure ends with the engine's ScriptRuntimeError for
 * the error the bridge threw into it. The host reports that as the BridgeError it is, in every
 * engine and mode alike: the failure's own message (without the `Error: ` or `name.lua:3: `
 * an engine puts before it), the method's `path`, the handler's error as `cause`, the script
 * position kept. Recognised by that text: a script that caught the failure and threw its own
 * error ends with another.
 */
function asBridgeError(e: unknown, execution: Execution): unknown {
  const failure = execution.bridgeFailure
  if (!failure || !(e instanceof ScriptRuntimeError)) return e
  const seen = hostErrorText(failure.error)
  if (!seen || stripPrefixes(e.message, e.scriptName) !== seen) return e
  const cause = failure.error instanceof BridgeError && failure.error.cause !== undefined ? failure.error.cause : failure.error
  return new BridgeError(seen, failure.path, { cause, scriptName: e.scriptName, line: e.line, column: e.column })
}

/** The message without an error-class prefix (`TypeError: `) and a position prefix (`name:3: `). */
function stripPrefixes(message: string, scriptName: string): string {
  const text = message.replace(/^[A-Za-z]*Error: /, '')
  const at = `${scriptName}:`
  if (!text.startsWith(at)) return text
  const rest = /^\d+: /.exec(text.slice(at.length))
  return rest ? text.slice(at.length + rest[0].length) : text
}
