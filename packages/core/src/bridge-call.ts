import type { SecurityManager } from '@polyhost/security'
import type { z } from 'zod'
import { invalidReturnValue } from './bridge-failure.js'
import type { BridgeContext, BridgeMethod, BridgeRegistryView, ExecutionCaller } from './bridges.js'
import { BridgeError, endedAnExecution, InvalidArgumentError, isFatal, PolyhostError, sanitizeScriptMessage } from './errors.js'
import type { LogLevel } from './execution-result.js'
import { hostErrorText, schemaThrewText } from './sanitize.js'
import { readFailure } from './values/guard.js'

/**
 * What a bridge call reads of its execution (`Execution` is one): the registry and policy that
 * decide which methods exist, what the handler's ctx shows, and where its logs go.
 */
export interface BridgeCallSite {
  readonly init: {
    readonly bridges: BridgeRegistryView
    readonly security: SecurityManager
    readonly tenant: string | undefined
    readonly context: Readonly<Record<string, unknown>>
    readonly language: string
    readonly scriptName: string
    readonly undefinedValue?: boolean
    readonly caller?: ExecutionCaller | object | undefined
  }
  readonly signal: AbortSignal
  log(level: LogLevel, message: string): void
}

/** Handlers declared `async` (their promise is known before they run). */
const AsyncFunctionPrototype = Object.getPrototypeOf(async () => undefined)

/**
 * Validates a script's arguments, runs the handler and validates its result. Errors become
 * BridgeErrors carrying only what the script may see: the validation message, or the
 * handler's own message (never a host stack).
 */
export function invokeBridge(execution: BridgeCallSite, path: string, rawArgs: readonly unknown[], refuseAsync?: string): unknown {
  const method = allowedMethods(execution).get(path)
  if (!method) throw new BridgeError(`${path} is not available`, path)
  if (refuseAsync !== undefined && Object.getPrototypeOf(method.handler) === AsyncFunctionPrototype) {
    throw new BridgeError(`${path}: ${refuseAsync}`, path)
  }
  const args = validateArgs(path, method, rawArgs, execution.init.undefinedValue === false)
  const ctx = contextFor(execution)
  let out: unknown
  try {
    out = method.handler(ctx, ...args)
  } catch (e) {
    throw handlerError(path, e)
  }
  let thenable: boolean
  try {
    thenable = isThenable(out)
  } catch (e) {
    // the handler's result could not be read (a `then` getter, a Proxy trap, a revoked Proxy):
    // an invalid return value, worded as the engines word a getter that throws
    throw isFatal(e) ? handlerError(path, e) : invalidReturnValue(path, readFailure(e))
  }
  if (thenable) {
    return Promise.resolve(out).then(
      (v) => validateResult(path, method, v),
      (e) => {
        throw handlerError(path, e)
      },
    )
  }
  return validateResult(path, method, out)
}

/**
 * Formats a zod failure the way scripts read it: `argument 1: expected string, received number`,
 * `argument 1 at .a[2]: ...` for nested values. A schema's own custom message is kept as written.
 */
export function describeIssue(prefix: string, error: z.ZodError, value: unknown): string {
  const issue = error.issues[0]
  if (!issue) return `${prefix}: invalid`
  const where = issue.path.length ? ` at ${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}` : ''
  const inner = () =>
    issue.path.reduce<unknown>(
      (v, k) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k as PropertyKey] : undefined),
      value,
    )
  let text = issue.message.replace(/^Invalid input: /, '')
  if (issue.code === 'invalid_union') {
    // every branch failed on the type itself: name the alternatives instead of "Invalid input"
    const firsts = issue.errors.map((branch) => branch[0])
    if (firsts.every((f) => f?.code === 'invalid_type' && f.path.length === 0)) {
      const expected = [...new Set(firsts.map((f) => (f as { expected: string }).expected))]
      text = `expected ${expected.join(' or ')}, received ${typeName(inner())}`
    }
  }
  // a schema's custom message is host text: sanitised like every message a script sees
  return sanitizeScriptMessage(`${prefix}${where}: ${text}`)
}

// --- internal ---

/**
 * `nilOnly`: the script's language has only nil (Lua), which arrives as null. Where the schema
 * refuses null but takes undefined (`.optional()`), nil is "no value", as the typings say
 * (`---@param arg2? string`); trailing nils past the last parameter are no arguments either.
 */
function validateArgs(path: string, method: BridgeMethod, raw: readonly unknown[], nilOnly: boolean): unknown[] {
  let n = raw.length
  while (n > method.args.length && (raw[n - 1] === undefined || (nilOnly && raw[n - 1] === null))) n--
  if (n > method.args.length) {
    throw new BridgeError(`${path}: expected at most ${method.args.length} argument(s), received ${n}`, path)
  }
  const out = new Array<unknown>(method.args.length)
  for (let i = 0; i < method.args.length; i++) {
    const schema = method.args[i] as z.ZodType
    let r: ReturnType<z.ZodType['safeParse']>
    try {
      r = schema.safeParse(raw[i])
      if (!r.success && nilOnly && raw[i] === null) {
        const absent = schema.safeParse(undefined)
        if (absent.success) r = absent
      }
    } catch (e) {
      throw schemaThrew(`${path}: argument ${i + 1}`, path, e)
    }
    if (!r.success) throw new BridgeError(describeIssue(`${path}: argument ${i + 1}`, r.error, raw[i]), path)
    out[i] = r.data
  }
  return out
}

function validateResult(path: string, method: BridgeMethod, value: unknown): unknown {
  if (!method.returns) return value
  let problem: string | undefined
  try {
    const r = method.returns.safeParse(value)
    if (r.success) return r.data
    problem = describeIssue(`${path}: invalid return value`, r.error, value)
  } catch (e) {
    // a getter or Proxy trap of the handler's result threw while the schema read it
    throw schemaThrew(`${path}: invalid return value`, path, e)
  }
  throw new BridgeError(problem, path)
}

/**
 * A schema that threw instead of answering (a refine or transform that throws, a getter or
 * Proxy trap of the value it read, an asynchronous refine, which bridges cannot await): a
 * BridgeError, whichever engine called, with the error as `cause`.
 */
function schemaThrew(prefix: string, path: string, e: unknown): Error {
  if (isFatal(e) || e instanceof PolyhostError) return e as Error
  const text = schemaThrewText(e, 'bridge schemas')
  return new BridgeError(`${prefix}${text ? `: ${text}` : ''}`, path, { cause: e })
}

/**
 * A fatal error a handler throws ends the execution (a host may stop a script that way, and a
 * handler rejecting on `ctx.signal` passes the execution's own error on), unless another
 * execution already ended with it: a handler that awaited `host.execute`, which hit its own
 * limit, failed like any handler, and the script may catch that.
 */
function handlerError(path: string, e: unknown): Error {
  let text: string
  try {
    if (e instanceof BridgeError || (isFatal(e) && !endedAnExecution(e))) return e as Error
    // the handler's message only: never its stack, and never a host path it mentions
    text = hostErrorText(e)
  } catch {
    // a thrown Proxy whose traps throw, an object whose `message` getter throws
    text = ''
  }
  return new BridgeError(text || `${path} failed`, path, { cause: e })
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    v instanceof Promise ||
    (!!v && (typeof v === 'object' || typeof v === 'function') && typeof (v as PromiseLike<unknown>).then === 'function')
  )
}

// Hot path: a bridge call must cost little more than the handler. The allowed methods are
// resolved once per (registry version, policy) and the handler ctx once per execution.
const methodCache = new WeakMap<object, { version: number; fingerprint: string; methods: Map<string, BridgeMethod> }>()
const contexts = new WeakMap<BridgeCallSite, BridgeContext>()

function allowedMethods(execution: BridgeCallSite): Map<string, BridgeMethod> {
  const { bridges, security } = execution.init
  const c = methodCache.get(bridges)
  if (c && c.version === bridges.version && c.fingerprint === security.fingerprint) return c.methods
  const methods = new Map<string, BridgeMethod>()
  for (const m of bridges.visible(security)) methods.set(m.path, m.definition)
  methodCache.set(bridges, { version: bridges.version, fingerprint: security.fingerprint, methods })
  return methods
}

function contextFor(execution: BridgeCallSite): BridgeContext {
  let ctx = contexts.get(execution)
  if (ctx) return ctx
  const { tenant, context, language, scriptName, caller } = execution.init
  ctx = Object.freeze({
    tenant,
    context,
    // read lazily: arming the signal (timer, listener) is only worth it for handlers that use it
    get signal() {
      return execution.signal
    },
    language,
    scriptName,
    log: (message: string, level: LogLevel = 'info') => execution.log(logLevel(level), String(message)),
    caller,
  })
  contexts.set(execution, ctx)
  return ctx
}

const LOG_LEVELS: ReadonlySet<unknown> = new Set<LogLevel>(['debug', 'info', 'warn', 'error'])

/**
 * A handler's `ctx.log` level, one of the documented four. Anything else is refused to the
 * handler: a stored object or function would also fail to cross to a worker, after the call.
 */
function logLevel(level: unknown): LogLevel {
  if (LOG_LEVELS.has(level)) return level as LogLevel
  const shown = typeof level === 'string' ? `'${level.slice(0, 40)}'` : typeName(level)
  throw new InvalidArgumentError(`ctx.log: level must be 'debug', 'info', 'warn' or 'error' (received ${shown})`)
}

function typeName(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'array'
  if (v instanceof Uint8Array) return 'Uint8Array'
  return typeof v
}
