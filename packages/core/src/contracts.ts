import type { LimitName, SecurityManager } from '@polyhost/security'
import type { BridgeRegistryView } from './bridges.js'
import type { Execution } from './execution.js'
import type { ExecutionResult } from './execution-result.js'
import type { ModuleRegistryView } from './modules.js'
import type { PoolOptions, PoolStats } from './pool-types.js'
import type { ConverterRegistry } from './values/converters.js'

export type { ExecutionResult, ExecutionStats, LogEntry, LogLevel } from './execution-result.js'

/** How faithfully an engine enforces a limit. */
export type Enforcement = 'exact' | 'approximate' | 'none'

/** What an engine can do; data the host and the conformance kit read, never code. */
export interface EngineCapabilities {
  /** `source` is checked by core before compiling, for every engine: engines need not declare it. */
  readonly limits: Readonly<Record<Exclude<LimitName, 'source'>, Enforcement> & { readonly source?: Enforcement }>
  /** Bridges whose handlers return promises can be awaited (Lua: look synchronous). */
  readonly asyncBridges: boolean
  /** `host.modules` sources can be required/imported. */
  readonly modules: boolean
  /** A script can return several values (Lua `return a, b`). */
  readonly multipleReturns: boolean
  /** Host integers in this closed range cross as integers; others cross as floats. */
  readonly integerRange?: readonly [number, number]
  /** Whether the engine distinguishes `undefined` from `null` (Lua has only nil). */
  readonly undefinedValue: boolean
}

/** Source handed to `compile`. */
export interface SourceText {
  readonly language: string
  readonly name: string
  readonly source: string
  /** SHA-256 (hex) of `source`, computed once by the host. */
  readonly hash: string
  /**
   * The time limit of the execution (or policy) the compile is for. An engine whose parser
   * cannot be interrupted may use it to refuse a source that would parse for longer.
   */
  readonly timeoutMs?: number | false
}

/** An engine's compiled form. Engines extend it; the host treats it as opaque. */
export interface CompiledScript {
  readonly engineId: string
  readonly language: string
  readonly name: string
  readonly hash: string
  readonly source: string
  /**
   * Host memory this compiled form keeps alive, source included (an engine's calibrated
   * estimate). The compile cache is sized by it; without it, by the source's UTF-8 bytes.
   */
  readonly retainedBytes?: number
}

/** What the host asks an engine to run. */
export interface ExecutionRequest {
  readonly globals: Readonly<Record<string, unknown>>
  /** Deep-frozen; scripts see it as the global `context`. */
  readonly context: Readonly<Record<string, unknown>>
  readonly tenant: string | undefined
  /** Limits, deadline, signal, bridge calls and captured logs of this execution. */
  readonly execution: Execution
}

export interface EngineStats {
  readonly pool: PoolStats
  readonly [key: string]: unknown
}

/** Minimal logger the host passes to engines (console-compatible). */
export interface Logger {
  debug(message: string, data?: unknown): void
  warn(message: string, data?: unknown): void
  error(message: string, data?: unknown): void
}

/** Everything an engine receives from the host at creation. */
export interface EngineEnvironment {
  /** Current policy; may be replaced by `host.setPolicy`, so read it per checkout. */
  readonly security: SecurityManager
  readonly bridges: BridgeRegistryView
  readonly modules: ModuleRegistryView
  readonly converters: ConverterRegistry
  readonly pool: PoolOptions
  /** Maximum nesting depth of converted values (default 64). */
  readonly maxDepth: number
  readonly logger: Logger
}

/** A running engine: compiles and executes scripts on its own pooled states. */
export interface ScriptEngine {
  /** May reject with ScriptSyntaxError. */
  compile(source: SourceText): Promise<CompiledScript>
  execute(script: CompiledScript, request: ExecutionRequest): Promise<ExecutionResult>
  stats(): EngineStats
  close(): Promise<void>
}

/** An engine plugin: a plain object made by a typed factory (`luaEngine(options)`). */
export interface EnginePlugin {
  readonly id: string
  readonly languages: readonly string[]
  /** With the dot: `['.lua']`. */
  readonly extensions: readonly string[]
  readonly capabilities: EngineCapabilities
  /** Version of the engine and its VM; part of compile-cache keys. */
  readonly version?: string
  /** Where a worker imports this plugin from; required by `isolation: 'worker'`. */
  readonly module?: EngineModuleRef
  /**
   * A file's text as the language's own file loader reads it, for `host.executeFile` only
   * (`execute` takes a source as given): Lua drops a first line starting with `#`, keeping
   * its newline so line numbers stay. Without it the file's text runs as it is.
   */
  readonly fileSource?: (text: string) => string
  create(env: EngineEnvironment): Promise<ScriptEngine>
}

/**
 * How a worker thread re-creates a plugin made on the host thread: it imports `specifier`
 * and calls the factory exported as `export` with `options` (or takes the plugin object).
 *
 * @example
 * module: { specifier: import.meta.url, export: 'luaEngine', options }
 */
export interface EngineModuleRef {
  /** An `import()` specifier a worker can load: a package name or an absolute `file:` URL. */
  readonly specifier: string
  /** Name of the export: a factory (called with `options`) or a plugin object. */
  readonly export: string
  /** The factory's options; must survive a structured clone. */
  readonly options?: unknown
}

/** The typed factory shape engine packages export. */
export type EngineFactory<O = Record<string, never>> = (options?: O) => EnginePlugin
