import { type Limits, type PolicyInput, lazySchema } from '@polyhost/security'
import type { z as zod } from 'zod'
import type { z } from 'zod/v3'
import type { ExecutionCaller } from './bridges.js'
import type { CacheOptions } from './compile-cache.js'
import type { EnginePlugin, Logger } from './contracts.js'
import { InvalidArgumentError } from './errors.js'
import type { PoolOptions } from './pool-types.js'
import { readingCaller } from './reading-caller.js'
import type { WorkerIsolationOptions } from './worker-isolation-options.js'

/** Options of `createHost`. */
export interface HostOptions {
  /** Engine plugins (or promises of them, e.g. `loadEngine(...)`). At least one. */
  readonly engines: readonly (EnginePlugin | Promise<EnginePlugin>)[]
  /** A preset name or a policy; default `'standard'`. */
  readonly policy?: PolicyInput
  /** Host limits: override the preset's profile. Requests may only tighten them. */
  readonly limits?: Limits
  readonly pool?: PoolOptions
  /** Compile cache options, or `false` to compile on every call. */
  readonly cache?: CacheOptions | false
  /** Maximum nesting depth of converted values (default 64). */
  readonly maxDepth?: number
  readonly logger?: Logger
  /**
   * `'inline'` (default) runs engines on this thread. `'worker'` runs them in worker threads:
   * several cores, and a script that overruns its deadline is stopped by terminating its
   * worker. Every plugin must then name its module (`EnginePlugin.module`).
   */
  readonly isolation?: 'inline' | 'worker'
  /** Worker threads for `isolation: 'worker'`; default `os.availableParallelism()`. */
  readonly workers?: number
  /** Tuning of `isolation: 'worker'` (resource limits, watchdog margin). */
  readonly worker?: WorkerIsolationOptions
  /** Declared globals: typed in `host.typings()`, checked on every execution that passes them. */
  readonly globals?: Readonly<Record<string, zod.ZodType>>
  /** Declared shape of `context`: typed in `host.typings()`, checked whenever a context is passed. */
  readonly context?: zod.ZodType
}

/** One execution, as passed to `host.execute`. */
export interface ExecuteRequest {
  /** Language id (`'lua'`, `'js'`); inferred from `name`'s extension when omitted. */
  readonly language?: string
  readonly source: string
  /** Script name for errors and stack traces (`'demo.lua'`). */
  readonly name?: string
  /** Injected as globals, converted per engine. */
  readonly globals?: Readonly<Record<string, unknown>>
  /** Copied, deep-frozen and visible to scripts as `context`. */
  readonly context?: Readonly<Record<string, unknown>>
  /** Tenant for bridges and pool partitions (not empty); defaults to `context.tenant` when a non-empty string. */
  readonly tenant?: string
  /** May only tighten the host's limits. */
  readonly limits?: Limits
  readonly signal?: AbortSignal
  /**
   * The caller's own object for its bridge handlers (`ctx.caller`), told of bridge failures
   * (see ExecutionCaller): passed as it is, never copied, never shown to the script.
   */
  readonly caller?: ExecutionCaller | object
}

/** Options of `script.run`. */
export type RunOptions = Omit<ExecuteRequest, 'language' | 'source' | 'name'>

/** Options of `host.executeFile`: those of `script.run`, and the language when the file's extension does not tell it. */
export type ExecuteFileOptions = RunOptions & { readonly language?: string }

/**
 * The longest script name: names go into every error position and stack line, and the JS
 * engine's compiler reads them on a bounded stack (a 300,000-character name made a valid
 * script a ScriptSyntaxError). A path is at most 4,096 bytes on Linux.
 */
export const MAX_NAME_LENGTH = 4096
function buildRequestSchemas(z: typeof import('zod/v3')['z']) {
  // a predicate, not z.record: the values are converted (and checked) by the engine, and
  // z.record would copy every request's globals on the hot path
  const record = z.custom<Readonly<Record<string, unknown>>>(
    (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
    'expected an object',
  )
  const runShape = {
    globals: record.optional(),
    context: record.optional(),
    // '' is the pool partition of executions without a tenant: a tenant named so would share it
    tenant: z.string().min(1, 'a tenant must be a non-empty string').optional(),
    limits: z.unknown().optional(),
    signal: z.custom<AbortSignal>((v) => v instanceof AbortSignal, 'expected an AbortSignal').optional(),
    caller: z.custom<ExecutionCaller | object>((v) => isObject(v), 'expected an object').optional(),
  }
  const runSchema = z.object(runShape).strict()
  const sourceShape = {
    language: z.string().min(1).optional(),
    source: z.string(),
    name: z.string().min(1).max(MAX_NAME_LENGTH, `a script name is at most ${MAX_NAME_LENGTH} characters`).optional(),
  }
  const executeSchema = z.object({ ...runShape, ...sourceShape }).strict()
  // per-run fields (globals, limits, context...) go to script.run; accepting them here would drop them silently
  const compileSchema = z.object(sourceShape).strict()
  const executeFileSchema = z.object({ ...runShape, language: sourceShape.language }).strict()
  const routeSchema = z.object({ language: sourceShape.language, name: sourceShape.name })
  return { execute: executeSchema, run: runSchema, compile: compileSchema, executeFile: executeFileSchema, route: routeSchema }
}
/** What `checkRequest` checks. */
type RequestKind = 'execute' | 'run' | 'compile' | 'executeFile'

/**
 * The request schemas by kind, built on first use (exported for tests: the judge of what
 * `checkRequest` accepts; a well-formed request is copied without them).
 */
export const requestSchemas: () => ReturnType<typeof buildRequestSchemas> = lazySchema(buildRequestSchemas)

/** A `host.compile` request: what a compiled script is made of; per-run options go to `script.run`. */
export interface CompileRequest {
  readonly language?: string
  readonly source: string
  readonly name?: string
}

/** Checks a request's shape, naming the bad field in an InvalidArgumentError. */
export function checkRequest<T>(what: RequestKind, value: unknown): T {
  const r = readingCaller(`${what}: the request`, () => {
    const input = value ?? (what === 'run' || what === 'executeFile' ? {} : value)
    const plain = plainCopy(what, input)
    const parsed = plain ? { success: true as const, data: plain } : requestSchemas()[what].safeParse(input)
    // the checked copy, and a copy of `limits`: each getter is read once, so what was
    // checked is what runs (a getter could answer a string now and an object later)
    const data = parsed.data as { limits?: unknown } | undefined
    if (data && isPlainObject(data.limits)) data.limits = { ...data.limits }
    return parsed
  })
  if (!r.success) throw invalid(what, r.error)
  const data = r.data as { limits?: unknown }
  refuseSymbolKeys(value, (k) => new InvalidArgumentError(`${what}: request: unknown field ${k}`))
  return data as T
}

/**
 * Refuses enumerable symbol keys of a caller's option object (`limits: { [Symbol()]: 1 }`),
 * as its unknown string keys are refused: Object.keys and zod's strict objects skip symbols,
 * which left such a field silently ignored. `refuse` makes the error from the quoted keys.
 */
export function refuseSymbolKeys(value: unknown, refuse: (keys: string) => Error): void {
  if (typeof value !== 'object' || value === null) return
  const symbols = Object.getOwnPropertySymbols(value)
  if (symbols.length === 0) return
  const shown = symbols.filter((k) => Object.prototype.propertyIsEnumerable.call(value, k))
  if (shown.length > 0) throw refuse(shown.map((k) => `'${k.toString()}'`).join(', '))
}

/** The fields that route a request to an engine, as `execute` checks them. */
export interface EngineRoute {
  readonly language?: string
  readonly name?: string
}
/**
 * The route of a request for `host.engineFor`: its `language` and `name`, each read once and
 * checked as `execute` checks them (InvalidArgumentError naming the field); other fields are not read.
 */
export function checkRoute(value: unknown): EngineRoute {
  const r = readingCaller('engineFor: the request', () => {
    if (typeof value !== 'object' || value === null) return requestSchemas().route.safeParse(value)
    const { language, name } = value as Record<string, unknown>
    return requestSchemas().route.safeParse({ language, name })
  })
  if (r.success) return r.data
  throw invalid('engineFor', r.error)
}

function invalid(what: string, error: z.ZodError): InvalidArgumentError {
  const issue = error.issues[0]
  const field = issue?.path.join('.') || 'request'
  const msg =
    issue?.code === 'unrecognized_keys' ? `unknown field ${issue.keys.map((k) => `'${k}'`).join(', ')}` : (issue?.message ?? 'invalid')
  return new InvalidArgumentError(`${what}: ${field}: ${msg}`)
}

/** What each request field must hold: the schemas' types, as the fast path checks them. */
const FIELD_TESTS: Readonly<Record<string, (v: unknown) => boolean>> = {
  globals: isPlainObject,
  context: isPlainObject,
  tenant: (v) => typeof v === 'string' && v.length > 0,
  limits: () => true,
  signal: (v) => v instanceof AbortSignal,
  caller: (v) => isObject(v),
  language: (v) => typeof v === 'string' && v.length > 0,
  source: (v) => typeof v === 'string',
  name: (v) => typeof v === 'string' && v.length > 0 && v.length <= MAX_NAME_LENGTH,
}
/** The fields each kind of request may have: its schema's (host-options.test.ts holds them equal). */
const RUN_FIELDS = ['globals', 'context', 'tenant', 'limits', 'signal', 'caller']
const FIELDS: Readonly<Record<RequestKind, ReadonlySet<string>>> = {
  execute: new Set([...RUN_FIELDS, 'language', 'source', 'name']),
  run: new Set(RUN_FIELDS),
  compile: new Set(['language', 'source', 'name']),
  executeFile: new Set([...RUN_FIELDS, 'language']),
}

/**
 * The hot path of `checkRequest`: a copy of a well-formed request (an object literal whose
 * own fields are all known and of their type, each read once), or undefined whenever the
 * schema must decide. It accepts only what the schema accepts, so the schema stays the judge
 * of every request it does not pass, and every error message is the schema's.
 */
function plainCopy(what: RequestKind, value: unknown): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return undefined
  const fields = FIELDS[what]
  const copy: Record<string, unknown> = {}
  for (const key of Object.keys(value)) {
    if (!fields.has(key)) return undefined
    const v = (value as Record<string, unknown>)[key]
    if (v !== undefined && !FIELD_TESTS[key]!(v)) return undefined
    copy[key] = v
  }
  return what === 'run' || what === 'executeFile' || typeof copy.source === 'string' ? copy : undefined
}

function isObject(v: unknown): v is object {
  return typeof v === 'object' && v !== null
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
