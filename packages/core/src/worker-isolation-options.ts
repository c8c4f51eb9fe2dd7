// The public shape of `createHost({ worker })`, kept free of `node:` type imports so that an
// application's type check does not need @types/node (worker/options.ts resolves and checks it).

/** V8 limits of a worker thread; the same fields as `worker_threads` `ResourceLimits`. */
export interface WorkerResourceLimits {
  /** Maximum size of the main heap, in MB. */
  readonly maxOldGenerationSizeMb?: number
  /** Maximum size of the heap space for recently created objects, in MB. */
  readonly maxYoungGenerationSizeMb?: number
  /** Size of the pre-allocated memory range used for generated code, in MB. */
  readonly codeRangeSizeMb?: number
  /** Default maximum stack size for the thread, in MB: at least 1 (a smaller stack ends the whole process, not the worker). */
  readonly stackSizeMb?: number
}

/** Tuning of `isolation: 'worker'` (`createHost({ worker })`). */
export interface WorkerIsolationOptions {
  /**
   * V8 limits of each worker (`worker_threads` `resourceLimits`). A worker that reaches its
   * heap limit dies; its execution fails with LimitExceededError('memory') and the worker is
   * replaced. Default: 512 MiB old generation. Memory outside the V8 heap (fengari strings,
   * WASM memories) is bounded by the engines' own `memoryBytes` accounting, not by this.
   */
  readonly resourceLimits?: WorkerResourceLimits
  /**
   * How long past its deadline (or after a cancellation) an execution may keep its worker
   * busy before the host terminates the worker. Default 50 ms.
   */
  readonly killMarginMs?: number
}
