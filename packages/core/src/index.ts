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
  sanitizeScriptMessage,
  ScriptRuntimeError,
  ScriptSyntaxError,
  SecurityViolationError,
} from './errors.js'
export type {
  CompiledScript,
  Enforcement,
  EngineCapabilities,
  EngineEnvironment,
  EngineFactory,
  EngineModuleRef,
  EnginePlugin,
  EngineStats,
  ExecutionRequest,
  ExecutionResult,
  ExecutionStats,
  LogEntry,
  Logger,
  LogLevel,
  ScriptEngine,
  SourceText,
} from './contracts.js'
export { Execution, type ExecutionInit } from './execution.js'
export {
  determinismOf,
  entropy53,
  type ExecutionDeterminism,
  type ExecutionRandom,
  executionRandom,
  seededRandom,
  seedWord,
} from './determinism.js'
export {
  type BridgeContext,
  type BridgeDefinition,
  type BridgeMethod,
  BridgeMapView,
  BridgeRegistry,
  type BridgeRegistryView,
  defineBridge,
  type VisibleMethod,
} from './bridges.js'
export { describeIssue } from './bridge-call.js'
export { type ModuleDefinition, ModuleRegistry, type ModuleRegistryView } from './modules.js'
export { type CustomType, ConverterRegistry, dateType } from './values/converters.js'
export { ConversionGuard, DEFAULT_MAX_DEPTH, formatValuePath, readFailure } from './values/guard.js'
export { type BudgetOwner, CONTAINER_BYTES, ConversionBudget, ENTRY_BYTES, LARGE_STRING } from './values/budget.js'
export { sameData } from './values/same-data.js'
export { hostErrorText, UNCLONEABLE } from './sanitize.js'
export { classifyHostValue, fitsInteger, type HostKind, hasLoneSurrogate } from './values/kinds.js'
export { DANGEROUS_KEYS, deepFreeze, isPlainObject, setSafe } from './values/safe-object.js'
export { type AcquireOptions, type ReleaseOptions, StatePool } from './pool.js'
export { warmInBackground } from './pool-warm.js'
export { mustDiscardState, type PooledRequest, type PooledRunOptions, runPooled } from './pooled-run.js'
export { type Lease, type PoolOptions, type PoolStats, POOL_DEFAULTS, resolvePoolOptions, type StateFactory } from './pool-types.js'
export { type CacheOptions, type CacheStats, CompileCache, hashSource } from './compile-cache.js'
export { assertPlugin, loadEngine, ManagedEngine, pluginProblem } from './plugin.js'
export { createHost, Host, type HostStats, type Script } from './host.js'
export type { CompileRequest, ExecuteRequest, HostOptions, RunOptions } from './host-options.js'
export { DeclaredGlobals } from './declared-globals.js'
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
export { decodeError, encodeError, type ErrorClassCodec, registerErrorClass, type WireError } from './worker/wire-errors.js'
export {
  type Limits,
  type LimitName,
  type PolicyInput,
  type ResolvedLimits,
  type ResolvedPolicy,
  type SecurityPolicy,
  SecurityManager,
} from '@polyhost/security'
