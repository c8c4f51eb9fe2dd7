import type { MessagePort } from 'node:worker_threads'
import type { ResolvedPolicy } from '@polyhost/security'
import type { EngineModuleRef, EngineStats, LogEntry } from '../contracts.js'
import type { ModuleDefinition } from '../modules.js'
import type { ResolvedPoolOptions } from '../pool-types.js'
import type { WireError } from './wire-errors.js'

/**
 * Bumped on every change of the messages below. A worker built from other sources (a stale
 * `dist/`) announces a different number and the host refuses it with a clear error instead of
 * misreading messages.
 */
export const PROTOCOL_VERSION = 7

/** `workerData` of every worker. */
export interface WorkerBoot {
  readonly protocol: number
  readonly engines: readonly { readonly id: string; readonly module: EngineModuleRef }[]
  readonly pool: ResolvedPoolOptions
  readonly maxDepth: number
  /** Policy and registries at start, so pre-warmed states match them. */
  readonly snapshot: Snapshot & { readonly policy: ResolvedPolicy }
  /** Int32 slot the host bumps after posting a synchronous bridge reply on `replyPort`. */
  readonly replySlot: SharedArrayBuffer
  /** Id of the execution whose code the worker thread runs now (0: none); read by the watchdog. */
  readonly threadSlot: SharedArrayBuffer
  readonly replyPort: MessagePort
}

/** A bridge method as the worker sees it: no handler, no schemas. */
export interface MethodShape {
  readonly name: string
  readonly argc: number
  readonly returns: boolean
  readonly description?: string | undefined
}
export interface BridgeShape {
  readonly name: string
  readonly description?: string | undefined
  readonly methods: readonly MethodShape[]
}

/** Registry changes the worker has not seen yet; absent parts are unchanged. */
export interface Snapshot {
  readonly policy?: ResolvedPolicy
  readonly bridges?: { readonly version: number; readonly list: readonly BridgeShape[] }
  readonly modules?: { readonly version: number; readonly list: readonly ModuleDefinition[] }
}

// --- host → worker ---

/** What every message about one script carries: which engine, the source and the registries. */
interface ScriptMessage {
  readonly id: number
  readonly engine: string
  readonly language: string
  readonly name: string
  readonly source: string
  readonly hash: string
  readonly snapshot: Snapshot | undefined
}

export interface CompileMessage extends ScriptMessage {
  readonly t: 'compile'
}

export interface ExecuteMessage extends ScriptMessage {
  readonly t: 'execute'
  readonly globals: Readonly<Record<string, unknown>>
  readonly context: Readonly<Record<string, unknown>>
  readonly tenant: string | undefined
  readonly limits: ResolvedPolicy['limits']
  /** Epoch ms (`performance.timeOrigin + performance.now()`) of the host's deadline; Infinity: none. */
  readonly deadlineEpoch: number
  /**
   * The execution already began (its kill back-off counted against the limit): the deadline stands.
   * Otherwise (`deadlineEpoch` is then Infinity) its limit runs from when the worker takes the
   * job up, until the worker's engine holds the clock for a state or begins it anew (written
   * each time to the clock cell of `abort`, shared-clock.ts).
   */
  readonly begun: boolean
  readonly compileCacheHit: boolean
  /**
   * ABORT_FLAG_BYTES: Int32s [0] the host sets when the execution must stop (see ABORT_*);
   * [ABORT_SEEN] the worker sets once the execution has ended on its side and is unwinding;
   * [ABORT_MEMORY_KIB] the worker publishes the execution's accounted memory, which the host
   * reads if the worker dies of heap exhaustion (heap-fault.ts). Then the execution's clock as
   * the worker sees it (a BigInt64 at CLOCK_OFFSET, shared-clock.ts).
   */
  readonly abort: SharedArrayBuffer
}

/** Settles a bridge call that returned "pending". */
export interface SettleMessage {
  readonly t: 'settle'
  readonly id: number
  readonly call: number
  readonly reply: CallReply
}

/** The host ended the execution (timeout, cancellation). */
export interface AbortMessage {
  readonly t: 'abort'
  readonly id: number
  readonly error: WireError
}

export interface CloseMessage {
  readonly t: 'close'
}

export type ToWorker = CompileMessage | ExecuteMessage | SettleMessage | AbortMessage | CloseMessage

// --- worker → host ---

export interface ReadyMessage {
  readonly t: 'ready'
  readonly protocol: number
  readonly stats: Readonly<Record<string, EngineStats>>
}
export interface InitFailedMessage {
  readonly t: 'init-failed'
  readonly protocol: number
  readonly error: WireError
}
export interface CompiledMessage {
  readonly t: 'compiled'
  readonly id: number
  readonly error?: WireError
}
export interface CallMessage {
  readonly t: 'call'
  readonly id: number
  readonly call: number
  readonly path: string
  readonly args: readonly unknown[]
  /** The worker's output byte count, so host-side handler logs count against the same limit. */
  readonly outputBytes: number
  /** See `Execution.callBridge`. */
  readonly refuseAsync?: string | undefined
}
/**
 * The worker recorded a fatal error (a limit, a cancellation; its own or one the host decided):
 * the host aborts handler signals and answers the caller at once, while the thread unwinds.
 */
export interface WorkerAbortMessage {
  readonly t: 'aborted'
  readonly id: number
  readonly error: WireError
}
export interface UsageFields {
  readonly logs: readonly LogEntry[]
  readonly outputBytes: number
  readonly instructions: number
  readonly memoryBytes: number
  readonly stats: EngineStats | undefined
}
export interface DoneMessage extends UsageFields {
  readonly t: 'done'
  readonly id: number
  readonly value?: unknown
  readonly values?: readonly unknown[]
  readonly error?: WireError
  /** A result's `durationMs` on the worker's clock (absent with an error). */
  readonly durationMs?: number
  /** The worker compiled the script for this run (not in its cache: a new or restarted worker). */
  readonly compiled?: true
}
/** Fresh pool counters, sent shortly after executions end (states are released asynchronously). */
export interface StatsMessage {
  readonly t: 'stats'
  readonly stats: Readonly<Record<string, EngineStats>>
}
export interface LogMessage {
  readonly t: 'log'
  readonly level: 'debug' | 'warn' | 'error'
  readonly message: string
}
export interface ClosedMessage {
  readonly t: 'closed'
  /** Engine stats after closing (pools drained). */
  readonly stats: Readonly<Record<string, EngineStats>>
}

export type FromWorker =
  | ReadyMessage
  | InitFailedMessage
  | CompiledMessage
  | CallMessage
  | WorkerAbortMessage
  | DoneMessage
  | LogMessage
  | StatsMessage
  | ClosedMessage

/** A synchronous reply, posted on `replyPort`. */
export interface SyncReply {
  readonly call: number
  readonly reply: CallReply
}

/** The outcome of one bridge call. `pending`: a settle message follows. */
export type CallOutcome =
  | { readonly k: 'value'; readonly value: unknown }
  | { readonly k: 'error'; readonly error: WireError }
  | { readonly k: 'pending' }

/** The answer to one bridge call. */
export type CallReply = CallOutcome & {
  /** Handler log entries not yet shipped to the worker. */
  readonly logs: readonly LogEntry[]
  readonly bridgeCalls: number
}

/** Values of the per-execution abort flag. */
export const ABORT_NONE = 0
export const ABORT_CANCELLED = 1
export const ABORT_TIMEOUT = 2
export const ABORT_OTHER = 3
/** Index of the worker's acknowledgement in the abort flag. */
export const ABORT_SEEN = 1
/** Index of the execution's accounted memory (KiB, as its engine last set `memoryBytes`) in the abort flag. */
export const ABORT_MEMORY_KIB = 2
/** Size of the per-execution abort flag. */
export const ABORT_FLAG_BYTES = 12
