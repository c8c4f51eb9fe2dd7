export { JS_CAPABILITIES, JS_ENGINE_VERSION } from './capabilities.js'
export type { JsCompiledScript, ScriptKind } from './compiler.js'
export { type JsEngineOptions, jsEngine } from './plugin.js'
export { compileWasm, type WasmOptions } from './wasm.js'
