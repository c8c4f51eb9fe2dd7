import { LIMIT_KEYS, LIMIT_NAMES, PolicyError, type ResolvedLimits, type SecurityManager } from '@polyhost/security'
import type { BridgeRegistryView } from './bridges.js'
import type { EnginePlugin, Logger } from './contracts.js'
import { ConversionError, InvalidArgumentError, LimitExceededError } from './errors.js'
import { type HostOptions, refuseSymbolKeys } from './host-options.js'
import { DEFAULT_MAX_DEPTH, readFailure } from './values/guard.js'
import { deepFreeze } from './values/safe-object.js'
import { resolveWorkerOptions } from './worker/options.js'

// Checks and small helpers of Host (host.ts): what a host refuses before it runs anything,
// and how long a close waits for cancelled work.

/** Every option `createHost` reads: a field added to HostOptions must be added here. */
const HOST_OPTION_KEYS: ReadonlySet<string> = new Set(
  Object.keys({
    engines: true,
    policy: true,
    limits: true,
    pool: true,
    cache: true,
    maxDepth: true,
    logger: true,
    isolation: true,
    workers: true,
    worker: true,
    globals: true,
    context: true,
  } satisfies Record<keyof HostOptions, true>),
)

/**
 * The deepest `maxDepth` a host may set: every engine converts a value this deep in both
 * directions (the conformance kit checks it); converters recurse per level, and at a few
 * thousand levels the host's own stack ran out (an EngineCrashedError instead of a value).
 */
export const MAX_DEPTH_BOUND = 1000

/** Checks `createHost`'s options before any plugin is awaited; returns the resolved `maxDepth`. */
export function checkHostOptions(options: HostOptions): number {
  if (!options || typeof options !== 'object') throw new InvalidArgumentError('createHost: options are required')
  // a misspelled option (`limit`, `polcy`) must not leave the host running without it
  const unknown = Object.keys(options).filter((k) => !HOST_OPTION_KEYS.has(k))
  if (unknown.length > 0) {
    throw new InvalidArgumentError(
      `createHost: unknown option ${unknown.map((k) => `'${k}'`).join(', ')} (known: ${[...HOST_OPTION_KEYS].join(', ')})`,
    )
  }
  checkSymbolKeys(options)
  if (!Array.isArray(options.engines) || options.engines.length === 0) {
    throw new InvalidArgumentError('createHost: engines must be a non-empty array of engine plugins')
  }
  if (options.isolation !== undefined && options.isolation !== 'inline' && options.isolation !== 'worker') {
    throw new InvalidArgumentError(`createHost: isolation '${String(options.isolation)}' is not available; use 'inline' or 'worker'`)
  }
  // checked in both modes: an inline host must not take what a worker host refuses
  resolveWorkerOptions(options.workers, options.worker)
  checkLogger(options.logger)
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH
  if (!Number.isInteger(maxDepth) || maxDepth < 1 || maxDepth > MAX_DEPTH_BOUND) {
    throw new InvalidArgumentError(`createHost: maxDepth must be an integer from 1 to ${MAX_DEPTH_BOUND}`)
  }
  return maxDepth
}

/** Refuses a symbol key in the options and their option objects, as an unknown string key is. */
function checkSymbolKeys(options: HostOptions): void {
  const field = (name: string) => (k: string) => new InvalidArgumentError(`createHost: ${name}: unknown field ${k}`)
  const limit = (name: string) => (k: string) => new PolicyError(name, `unknown limit ${k}`)
  refuseSymbolKeys(options, (k) => new InvalidArgumentError(`createHost: unknown option ${k}`))
  refuseSymbolKeys(options.pool, field('pool'))
  refuseSymbolKeys(options.cache, field('cache'))
  refuseSymbolKeys(options.worker, field('worker'))
  refuseSymbolKeys(options.worker?.resourceLimits, field('worker.resourceLimits'))
  const policy = options.policy
  if (typeof policy !== 'object' || policy === null) return
  refuseSymbolKeys(policy, (k) => new PolicyError('policy', `unknown field ${k}`))
  refuseSymbolKeys(policy.limits, limit('policy.limits'))
}

/** The methods the host and engines call on `logger`. */
const LOGGER_METHODS = ['debug', 'warn', 'error'] as const satisfies readonly (keyof Logger)[]

/** Refuses a logger that lacks a method the host would call later (a TypeError mid-execution). */
function checkLogger(logger: unknown): void {
  if (logger === undefined) return
  const missing =
    logger !== null && typeof logger === 'object'
      ? LOGGER_METHODS.filter((m) => typeof (logger as Logger)[m] !== 'function')
      : LOGGER_METHODS
  if (missing.length > 0) {
    throw new InvalidArgumentError(
      `createHost: logger must be an object with the methods ${LOGGER_METHODS.join(', ')} (missing: ${missing.join(', ')})`,
    )
  }
}

/** Refuses two engines with one id, and a policy limit any engine cannot enforce. */
export function checkPlugins(plugins: readonly EnginePlugin[], limits: ResolvedLimits): void {
  const ids = new Set<string>()
  for (const p of plugins) {
    if (ids.has(p.id)) throw new InvalidArgumentError(`createHost: two engines have id '${p.id}'`)
    ids.add(p.id)
    checkCapabilities(p, limits)
  }
}

/** Refuses a limit the engine cannot enforce (never silently weaker than configured). */
export function checkCapabilities(plugin: EnginePlugin, limits: ResolvedLimits): void {
  for (const key of LIMIT_KEYS) {
    if (limits[key] !== false && plugin.capabilities.limits[LIMIT_NAMES[key]] === 'none') {
      throw new PolicyError(`limits.${key}`, `engine '${plugin.id}' cannot enforce this limit; set it to false to run without it`)
    }
  }
}

/**
 * An inline host has no way to stop a script that has neither a deadline nor an instruction
 * budget (a worker's watchdog can still terminate its thread): refuse it rather than hang.
 */
export function checkStoppable(limits: ResolvedLimits, isolation: HostOptions['isolation']): void {
  if (isolation === 'worker' || limits.timeoutMs !== false || limits.instructions !== false) return
  throw new PolicyError(
    'limits.timeoutMs',
    "an inline host cannot stop a script with neither a time limit nor an instruction limit: set one of them, or use isolation 'worker'",
  )
}

/** How long a close waits for cancelled executions to unwind before closing the engines. */
export const CLOSE_GRACE_MS = 1_000

/**
 * The source limit, before anything parses the script: LimitExceededError('source'). A
 * string's UTF-8 size is at most 3 bytes per UTF-16 unit, so short sources skip the count.
 */
export function checkSource(source: string, limits: ResolvedLimits): void {
  const max = limits.sourceBytes
  if (max === false || source.length * 3 <= max) return
  const bytes = Buffer.byteLength(source)
  if (bytes > max) throw new LimitExceededError('source', bytes, max)
}

const EMPTY_CONTEXT: Readonly<Record<string, unknown>> = Object.freeze({})

export function freezeContext(context: Readonly<Record<string, unknown>> | undefined): Readonly<Record<string, unknown>> {
  if (context === undefined) return EMPTY_CONTEXT
  try {
    return deepFreeze(structuredClone(context))
  } catch (e) {
    if (e instanceof Error && e.name === 'DataCloneError') {
      throw new InvalidArgumentError('execute: context must be plain data (no functions or class instances)')
    }
    // the copy recurses per level: what overflows it is deeper than any maxDepth lets cross
    if (e instanceof RangeError) throw new ConversionError('$', `nesting deeper than ${MAX_DEPTH_BOUND}`)
    // a getter or Proxy trap of the caller's context threw
    throw new InvalidArgumentError(`execute: context could not be read (${e instanceof Error ? e.message : String(e)})`)
  }
}

/**
 * Refuses a global that would take the place of what the host gives every script: `context`,
 * `__proto__` (the global object's prototype in JavaScript), or a bridge the policy lets scripts see. Engines would otherwise differ (QuickJS refuses
 * it; in Lua the last one set wins) and a bridge would silently be gone from the script.
 */
export function checkGlobalNames(
  globals: Readonly<Record<string, unknown>> | undefined,
  bridges: BridgeRegistryView,
  security: SecurityManager,
): void {
  if (globals === undefined) return
  let names: string[]
  try {
    names = Object.keys(globals)
  } catch (e) {
    // a Proxy whose ownKeys trap throws: the ConversionError the engines give for unreadable globals
    throw readFailure(e)
  }
  for (const name of names) {
    if (name === 'context') throw new InvalidArgumentError("execute: globals: 'context' would replace the execution's context")
    // an own key (JSON.parse makes one): QuickJS set the global object's prototype, Lua a global
    if (name === '__proto__') {
      throw new InvalidArgumentError(
        "execute: globals: '__proto__' cannot be a global name (JavaScript takes it as the global object's prototype)",
      )
    }
    if (bridges.get(name) && bridges.visible(security).some((m) => m.bridge === name)) {
      throw new InvalidArgumentError(`execute: globals: '${name}' would replace the bridge '${name}'`)
    }
  }
}
