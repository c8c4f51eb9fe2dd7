import type { EngineEnvironment } from '@polyhost/core/engine'
import type { WasmLoader } from './wasm.js'

/** Per-engine settings every state of it shares. */
export interface StateOptions {
  readonly env: EngineEnvironment
  readonly wasm: WasmLoader
  /** Runs once per state before lockdown; what it defines becomes part of the baseline. */
  readonly initScript?: string | undefined
  /** A state whose heap grew more than this above its baseline is destroyed at reset. */
  readonly retainHeapBytes: number
  /** Headroom of each instance's Memory maximum above the policy's memory limit. */
  readonly heapReserveBytes: number
  /** Debug variants: report allocations still live when a state is destroyed. */
  readonly onLeak?: ((message: string) => void) | undefined
}
