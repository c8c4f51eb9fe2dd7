import { MessageChannel, type MessagePort, type ResourceLimits, Worker } from 'node:worker_threads'
import { PROTOCOL_VERSION, type WorkerBoot } from './protocol.js'

/** How to start a worker thread. */
export interface SpawnConfig {
  /** The worker's code (worker-main). */
  readonly entry: URL
  readonly boot: Pick<WorkerBoot, 'engines' | 'pool' | 'maxDepth'>
  readonly resourceLimits: ResourceLimits
  /** Node flags for the worker; undefined inherits the host's (Node's default). */
  readonly execArgv: readonly string[] | undefined
}

/** A started worker thread and the host's end of its reply channel. */
export interface Spawned {
  readonly worker: Worker
  readonly replyPort: MessagePort
}

/**
 * Starts a worker thread with its boot data: the registries and policy at start (`snapshot`),
 * the shared slots for synchronous replies and for the execution on the thread, and a fresh
 * reply channel whose worker end is transferred in `workerData`.
 */
export function spawnWorker(config: SpawnConfig, snapshot: WorkerBoot['snapshot'], replySlot: Int32Array, threadSlot: Int32Array): Spawned {
  const start = (execArgv: readonly string[] | undefined): Spawned => {
    const { port1, port2 } = new MessageChannel()
    const boot: WorkerBoot = {
      protocol: PROTOCOL_VERSION,
      ...config.boot,
      snapshot,
      replySlot: replySlot.buffer as SharedArrayBuffer,
      threadSlot: threadSlot.buffer as SharedArrayBuffer,
      replyPort: port2,
    }
    const options = { workerData: boot, transferList: [port2], resourceLimits: config.resourceLimits }
    return { replyPort: port1, worker: new Worker(config.entry, execArgv ? { ...options, execArgv: [...execArgv] } : options) }
  }
  try {
    return start(config.execArgv)
  } catch (e) {
    // flags given explicitly must all be valid per thread (V8 flags are not): plain Node then
    if ((e as { code?: string }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw e
    return start([])
  }
}
