// everything an engine is built from (@polyhost/core/engine), then what applications use
export * from './engine.js'
export { EngineNotFoundError, PoolExhaustedError } from './errors.js'
export type { EngineModuleRef, EnginePlugin } from './contracts.js'
export { type BridgeContext, type BridgeDefinition, BridgeRegistry, defineBridge } from './bridges.js'
export { assertPlugin, loadEngine, ManagedEngine, pluginProblem } from './plugin.js'
export { createHost, Host } from './host.js'
export type { HostStats } from './host-stats.js'
export type { Script } from './script.js'
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
export {
  decodeError,
  encodeError,
  type ErrorClassCodec,
  registerErrorClass,
  type WireError,
} from './worker/wire-errors.js'
// SecurityManager as a value (the engine subpath carries its type only)
export { type Limits, type LimitName, type PolicyInput, SecurityManager, type SecurityPolicy } from '@polyhost/security'
