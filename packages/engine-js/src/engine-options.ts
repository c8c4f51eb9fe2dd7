import { describeValue, InvalidArgumentError } from '@polyhost/core/engine'
import { MAX_HEAP_BYTES } from './wasm.js'

/** The options `jsEngine()` knows; any other key is refused (a misspelling must not be ignored). */
const KNOWN = ['variant', 'wasmModule', 'initScript', 'retainHeapBytes', 'heapReserveBytes', 'onLeak', 'snapshots', 'reuseInstances']

/**
 * Checks `jsEngine(options)` when the plugin is made, as createHost checks its own options:
 * an unknown key or a value of the wrong kind is an InvalidArgumentError naming the field,
 * instead of being ignored or failing later with a raw TypeError.
 */
export function checkJsEngineOptions(options: unknown): void {
  if (options === undefined) return
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidArgumentError(`jsEngine: options must be an object (got ${describeValue(options)})`)
  }
  const o = options as Record<string, unknown>
  const unknown = Object.keys(o).filter((k) => !KNOWN.includes(k))
  if (unknown.length > 0) {
    throw new InvalidArgumentError(`jsEngine: unknown option ${unknown.map((k) => `'${k}'`).join(', ')} (known: ${KNOWN.join(', ')})`)
  }
  if (o.initScript !== undefined && typeof o.initScript !== 'string') {
    throw new InvalidArgumentError(`jsEngine: initScript must be a string (got ${describeValue(o.initScript)})`)
  }
  for (const key of ['retainHeapBytes', 'heapReserveBytes']) {
    const v = o[key]
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_HEAP_BYTES)) {
      throw new InvalidArgumentError(`jsEngine: ${key} must be an integer from 0 to ${MAX_HEAP_BYTES} (got ${describeValue(v)})`)
    }
  }
  for (const key of ['snapshots', 'reuseInstances']) {
    if (o[key] !== undefined && typeof o[key] !== 'boolean') {
      throw new InvalidArgumentError(`jsEngine: ${key} must be a boolean (got ${describeValue(o[key])})`)
    }
  }
  if (o.onLeak !== undefined && typeof o.onLeak !== 'function') {
    throw new InvalidArgumentError(`jsEngine: onLeak must be a function (got ${describeValue(o.onLeak)})`)
  }
  const v = o.variant as Record<string, unknown> | undefined
  if (
    v !== undefined &&
    (v === null ||
      typeof v !== 'object' ||
      v.type !== 'sync' ||
      typeof v.importFFI !== 'function' ||
      typeof v.importModuleLoader !== 'function')
  ) {
    throw new InvalidArgumentError(
      `jsEngine: variant must be a quickjs-emscripten sync variant (type 'sync', importFFI, importModuleLoader), such as @jitl/quickjs-wasmfile-release-sync (got ${describeValue(v)})`,
    )
  }
  const m = o.wasmModule
  if (m !== undefined && typeof m !== 'function' && !(m instanceof WebAssembly.Module)) {
    throw new InvalidArgumentError(
      `jsEngine: wasmModule must be a WebAssembly.Module or a function returning a promise of one (got ${describeValue(m)})`,
    )
  }
}
