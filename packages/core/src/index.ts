// `@polyhost/core`: what applications use. What an engine is built from (the execution's
// bookkeeping, the pool, the compile cache, the value-model helpers) is `@polyhost/core/engine`.
export type {
  EngineCapabilities,
  EngineFactory,
  EngineModuleRef,
  EnginePlugin,
  EngineStats,
  Enforcement,
  ExecutionResult,
  ExecutionStats,
  LogEntry,
  Logger,
  LogLevel,
} from './contracts.js'
export {
  BridgeError,
  CancelledError,
  ClosedError,
  ConversionError,
  EngineCrashedError,
  EngineNotFoundError,
  InterruptedError,
  InvalidArgumentError,
  isFatal,
  LimitExceededError,
  PolicyError,
  PolyhostError,
  PoolExhaustedError,
  ScriptRuntimeError,
  ScriptSyntaxError,
  SecurityViolationError,
} from './errors.js'
export { type BridgeContext, type BridgeDefinition, BridgeRegistry, defineBridge, type ExecutionCaller } from './bridges.js'
export { loadEngine } from './plugin.js'
export { readingCaller } from './reading-caller.js'
export { type FileBytesOptions, readFileBytes, readSourceFile, type SourceFileOptions } from './source-file.js'
export { decodeUtf8, firstInvalidUtf8 } from './utf8-text.js'
export { createHost, Host } from './host.js'
export type { HostStats } from './host-stats.js'
export type { Script } from './script.js'
export type { CompileRequest, EngineRoute, ExecuteFileOptions, ExecuteRequest, HostOptions, RunOptions } from './host-options.js'
export type { PoolOptions, PoolStats } from './pool-types.js'
export type { CacheOptions, CacheStats } from './compile-cache.js'
export type { ModuleDefinition, ModuleRegistry } from './modules.js'
export { type CustomType, type ConverterRegistry, dateType } from './values/converters.js'
export { DeclaredGlobals } from './declared-globals.js'
export { LOG_LINE_BYTES } from './log-bytes.js'
export {
  type BridgeModel,
  buildTypingsModel,
  type GlobalModel,
  generateTypings,
  type JsonSchema,
  jsonSchemaOf,
  type MethodModel,
  type ParamModel,
  printLua,
  printTypeScript,
  TYPINGS_LANGUAGES,
  type TypingsModel,
  type TypingsSource,
} from './typings/index.js'
export type { WorkerIsolationOptions, WorkerResourceLimits } from './worker-isolation-options.js'
export {
  decodeError,
  encodeError,
  type ErrorClassCodec,
  registerErrorClass,
  type WireError,
} from './worker/wire-errors.js'
export {
  describeValue,
  type Limits,
  type LimitName,
  type PolicyInput,
  type ResolvedLimits,
  type ResolvedPolicy,
  SecurityManager,
  type SecurityPolicy,
  quoteText,
} from '@polyhost/security'
