// `@polyhost/core/engine`: what an engine plugin is built from (the contract, the execution's
// bookkeeping, the pool and its one run path, the value-model helpers). Applications import
// `@polyhost/core`, which re-exports only the contract types and errors an application meets.
export type {
  CompiledScript,
  Enforcement,
  EngineCapabilities,
  EngineEnvironment,
  EngineModuleRef,
  EnginePlugin,
  EngineFactory,
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
export {
  BridgeError,
  CancelledError,
  ClosedError,
  ConversionError,
  EngineCrashedError,
  InterruptedError,
  InvalidArgumentError,
  isFatal,
  LimitExceededError,
  PolicyError,
  PolyhostError,
  sanitizeScriptMessage,
  ScriptRuntimeError,
  ScriptSyntaxError,
  SecurityViolationError,
} from './errors.js'
export { Execution, type ExecutionInit } from './execution.js'
export { assertPlugin, pluginProblem } from './plugin.js'
export {
  determinismOf,
  entropy53,
  type ExecutionDeterminism,
  type ExecutionRandom,
  executionRandom,
  seededRandom,
  seedWord,
} from './determinism.js'
export { type AcquireOptions, type ReleaseOptions, StatePool, type TryAcquireOptions } from './pool.js'
export { warmInBackground } from './pool-warm.js'
export { mustDiscardState, type PooledRequest, type PooledRunOptions, runPooled } from './pooled-run.js'
export { type Lease, type PoolOptions, type PoolStats, POOL_DEFAULTS, resolvePoolOptions, type StateFactory } from './pool-types.js'
export { type CacheOptions, type CacheStats, CompileCache, hashSource } from './compile-cache.js'
export { BridgeMapView, type BridgeMethod, type BridgeRegistryView, type VisibleMethod } from './bridges.js'
export { describeIssue } from './bridge-call.js'
export { MAX_NAME_LENGTH } from './host-options.js'
export { invalidArgument, invalidReturnValue } from './bridge-failure.js'
export { type ModuleDefinition, ModuleRegistry, type ModuleRegistryView } from './modules.js'
export { type CustomType, ConverterRegistry, dateType } from './values/converters.js'
export { ConversionGuard, DEFAULT_MAX_DEPTH, formatValuePath, RESULT_FUNCTION_REFUSED, readFailure } from './values/guard.js'
export { type BudgetOwner, CONTAINER_BYTES, ConversionBudget, ENTRY_BYTES, LARGE_STRING } from './values/budget.js'
export { sameData } from './values/same-data.js'
export { FIRST_TOUCH_FROM, firstTouchMs } from './first-touch.js'
export { boundText, engineScriptName, escapeRegExp, hostErrorText, MESSAGE_TEXT, UNCLONEABLE } from './sanitize.js'
export { classifyHostValue, fitsInteger, type HostKind, hasLoneSurrogate } from './values/kinds.js'
export { arrayExtraKeys, DANGEROUS_KEYS, deepFreeze, isPlainObject, setSafe } from './values/safe-object.js'
export { describeValue, limitValueProblem, quoteText } from '@polyhost/security'
export type { ResolvedLimits, ResolvedPolicy, SecurityManager } from '@polyhost/security'
