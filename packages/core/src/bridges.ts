import type { SecurityManager } from '@polyhost/security'
import type { z } from 'zod'
import type { LogLevel } from './execution-result.js'
import { reservedBridgeName } from './bridge-names.js'
import { BridgeError } from './errors.js'
import { readingCaller } from './reading-caller.js'

/** What a bridge handler receives as its first argument. */
export interface BridgeContext {
  readonly tenant: string | undefined
  readonly context: Readonly<Record<string, unknown>>
  /** Aborts when the execution times out, trips a limit or is cancelled. */
  readonly signal: AbortSignal
  readonly language: string
  readonly scriptName: string
  /** Adds a line to the execution's captured logs (counted against `outputBytes`). */
  log(message: string, level?: LogLevel): void
  /** The request's `caller`, as passed (undefined without one): see {@link ExecutionCaller}. */
  readonly caller?: ExecutionCaller | object
}

/**
 * An object of the caller's for its own bridge handlers (`ExecuteRequest.caller`, `ctx.caller`),
 * for what `context` cannot carry (`context` is a copy the script sees): it is not copied, not
 * frozen, never shown to the script and never sent to a worker thread. A queue hands its
 * handlers the job an execution runs this way, without an AsyncLocalStorage.
 */
export interface ExecutionCaller {
  /**
   * Told of each bridge call that fails into the script (a handler that throws or rejects,
   * arguments its schema refuses): the method's path and the error the script gets, a
   * handler's own error as its `cause`. Called on the caller's thread in every isolation mode,
   * before the execution settles; what it throws is ignored. Fatal errors (a limit, a cancel)
   * end the execution instead and are not reported here.
   */
  onBridgeFailure?(path: string, error: unknown): void
}

/** `caller.onBridgeFailure(path, error)`, if it has one; what it throws (or rejects with) is ignored. */
export function tellCaller(caller: ExecutionCaller | object, path: string, error: unknown): void {
  try {
    const hook = (caller as ExecutionCaller).onBridgeFailure
    const out: unknown = typeof hook === 'function' ? hook.call(caller, path, error) : undefined
    if (out instanceof Promise) out.catch(() => undefined)
  } catch {
    // the caller's own hook: its failure must not change what the script gets
  }
}

type InferArgs<A extends readonly z.ZodType[]> = { [K in keyof A]: A[K] extends z.ZodType ? z.output<A[K]> : never }

/** One method of a bridge: zod schemas for its arguments (and result), and the handler. */
export interface BridgeMethod<A extends readonly z.ZodType[] = readonly z.ZodType[]> {
  readonly args: A
  readonly returns?: z.ZodType
  readonly description?: string
  // biome-ignore lint/suspicious/noExplicitAny: handlers are checked against their own schemas
  readonly handler: (ctx: BridgeContext, ...args: any) => unknown
}

/** A named module of methods that scripts call as `name.method(...)`. */
export interface BridgeDefinition {
  readonly name: string
  readonly description?: string
  readonly methods: Readonly<Record<string, BridgeMethod>>
}

/** A method visible to scripts under a policy. */
export interface VisibleMethod {
  readonly bridge: string
  readonly method: string
  /** `'kv.get'` */
  readonly path: string
  readonly definition: BridgeMethod
}

/** The engine's read-only view of the registry. */
export interface BridgeRegistryView {
  /** Changes on every register/unregister; engines compare it at checkout. */
  readonly version: number
  list(): readonly BridgeDefinition[]
  get(name: string): BridgeDefinition | undefined
  /** Methods a script may see under `security`'s bridge allowlist, sorted by path. */
  visible(security: SecurityManager): readonly VisibleMethod[]
  resolve(path: string): BridgeMethod | undefined
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/
/** The fields of a BridgeDefinition and of a BridgeMethod. */
const DEFINITION_KEYS: ReadonlySet<string> = new Set(['name', 'description', 'methods'] satisfies (keyof BridgeDefinition)[])
const METHOD_KEYS: ReadonlySet<string> = new Set(['args', 'returns', 'description', 'handler'] satisfies (keyof BridgeMethod)[])
/** Method names that would reach an object's prototype machinery in a JS engine. */
const RESERVED_METHODS = new Set(['__proto__', 'constructor', 'prototype', 'then'])

/**
 * Checks a bridge definition and returns it with typed handler arguments.
 *
 * @example
 * defineBridge({
 *   name: 'kv',
 *   methods: { get: { args: [z.string()], handler: (ctx, key) => store.get(key) ?? null } },
 * })
 */
export function defineBridge<const A extends Record<string, readonly z.ZodType[]>>(def: {
  readonly name: string
  readonly description?: string
  readonly methods: {
    readonly [K in keyof A]: {
      readonly args: A[K]
      readonly returns?: z.ZodType
      readonly description?: string
      readonly handler: (ctx: BridgeContext, ...args: InferArgs<A[K]>) => unknown
    }
  }
}): BridgeDefinition {
  readingCaller('defineBridge: the definition', () => validateDefinition(def as unknown))
  return def as unknown as BridgeDefinition
}

/**
 * A read-only bridge view over a map of definitions: lookups and the policy-filtered method
 * list (cached per version and policy). The host registry and a worker's mirror share it.
 */
export abstract class BridgeMapView implements BridgeRegistryView {
  protected bridges = new Map<string, BridgeDefinition>()
  private cache: { version: number; fingerprint: string; methods: VisibleMethod[] } | undefined
  version = 0

  list(): readonly BridgeDefinition[] {
    return [...this.bridges.values()]
  }

  get(name: string): BridgeDefinition | undefined {
    return this.bridges.get(name)
  }

  resolve(path: string): BridgeMethod | undefined {
    const dot = path.indexOf('.')
    if (dot < 0) return undefined
    const def = this.bridges.get(path.slice(0, dot))
    const method = path.slice(dot + 1)
    return def && Object.hasOwn(def.methods, method) ? def.methods[method] : undefined
  }

  visible(security: SecurityManager): readonly VisibleMethod[] {
    const c = this.cache
    if (c && c.version === this.version && c.fingerprint === security.fingerprint) return c.methods
    const methods: VisibleMethod[] = []
    for (const def of this.bridges.values()) {
      for (const [method, definition] of Object.entries(def.methods)) {
        const path = `${def.name}.${method}`
        if (security.isBridgeAllowed(path)) methods.push({ bridge: def.name, method, path, definition })
      }
    }
    methods.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    this.cache = { version: this.version, fingerprint: security.fingerprint, methods }
    return methods
  }
}

/** The bridges registered at one version, as an execution that started then sees them. */
class BridgeSnapshot extends BridgeMapView {
  constructor(bridges: ReadonlyMap<string, BridgeDefinition>, version: number) {
    super()
    this.bridges = new Map(bridges)
    this.version = version
  }
}

/** Host-side bridge registry (`host.bridges`). */
export class BridgeRegistry extends BridgeMapView {
  private frozen: BridgeSnapshot | undefined

  /**
   * The bridges as they are now, unchanged by later registrations: an execution calls through
   * the set it started with (one snapshot per version, shared by the executions of that version).
   */
  snapshot(): BridgeRegistryView {
    if (this.frozen?.version !== this.version) this.frozen = new BridgeSnapshot(this.bridges, this.version)
    return this.frozen
  }

  /** Registers a bridge; a duplicate name or a malformed definition is a BridgeError. */
  register(def: BridgeDefinition): void {
    const name = readingCaller('bridges.register: the definition', () => {
      validateDefinition(def)
      return def.name
    })
    if (this.bridges.has(name)) throw new BridgeError(`bridge '${name}' is already registered`, name)
    this.bridges.set(name, def)
    this.version++
  }

  /** Removes a bridge; returns whether it was registered. */
  unregister(name: string): boolean {
    const had = this.bridges.delete(name)
    if (had) this.version++
    return had
  }
}

// --- internal ---

function validateDefinition(def: unknown): asserts def is BridgeDefinition {
  const d = def as Partial<BridgeDefinition> | null
  const name = typeof d?.name === 'string' ? d.name : String(d?.name)
  const fail = (msg: string) => new BridgeError(`invalid bridge '${name}': ${msg}`, name)
  if (!d || typeof d !== 'object') throw new BridgeError('invalid bridge: expected an object', '?')
  // a misspelled field (`descripton`, `retuns`) would leave the bridge without it, silently:
  // a result schema the host meant to apply would never run
  const unknown = (o: object, known: ReadonlySet<string>) => Object.keys(o).filter((k) => !known.has(k))
  const extra = unknown(d, DEFINITION_KEYS)
  if (extra.length > 0) throw fail(`unknown field ${quoted(extra)} (known: ${[...DEFINITION_KEYS].join(', ')})`)
  if (d.description !== undefined && typeof d.description !== 'string') throw fail('description must be a string')
  if (typeof d.name !== 'string' || !IDENTIFIER.test(d.name)) throw fail('name must be an identifier')
  const reserved = reservedBridgeName(d.name)
  if (reserved) throw fail(reserved)
  if (!d.methods || typeof d.methods !== 'object') throw fail('methods must be an object')
  const entries = Object.entries(d.methods)
  if (entries.length === 0) throw fail('at least one method is required')
  for (const [m, spec] of entries) {
    if (!IDENTIFIER.test(m)) throw fail(`method name '${m}' must be an identifier`)
    if (RESERVED_METHODS.has(m)) throw fail(`method name '${m}' is reserved`)
    if (!spec || typeof spec !== 'object') throw fail(`method '${m}' must be an object`)
    const extraInMethod = unknown(spec, METHOD_KEYS)
    if (extraInMethod.length > 0)
      throw fail(`method '${m}': unknown field ${quoted(extraInMethod)} (known: ${[...METHOD_KEYS].join(', ')})`)
    if (typeof spec.handler !== 'function') throw fail(`method '${m}' needs a handler function`)
    if (!Array.isArray(spec.args)) throw fail(`method '${m}': args must be an array of zod schemas`)
    spec.args.forEach((s: unknown, i: number) => {
      if (!isSchema(s)) throw fail(`method '${m}': args[${i}] is not a zod schema`)
    })
    if (spec.returns !== undefined && !isSchema(spec.returns)) throw fail(`method '${m}': returns is not a zod schema`)
  }
}

function isSchema(s: unknown): s is z.ZodType {
  return !!s && typeof s === 'object' && typeof (s as { safeParse?: unknown }).safeParse === 'function'
}

function quoted(keys: readonly string[]): string {
  return keys.map((k) => `'${k}'`).join(', ')
}
