import { type Job, Worker, type WorkerOptions } from 'bullmq'

/**
 * The abort signals of a worker's running executions: one per job, reused once its job has
 * ended without an abort.
 *
 * BullMQ makes an AbortController per job for a processor that declares a signal parameter,
 * and Node 20 builds each AbortSignal slowly (a prototype change on a fresh EventTarget): in
 * `queue-round-trips.mjs`, a fresh signal per job cost as much node CPU as everything else the
 * queue adds to `host.execute`. A signal nothing aborted is as good as new when its execution
 * has ended: the host detaches from the caller's signal then, and nothing else is handed it.
 * An aborted one is dropped. Cancels keep BullMQ's meaning: `cancelJob(id)` aborts the signal
 * of job `id` while this worker runs it (see {@link SignalledWorker}).
 */
export class JobSignals {
  private readonly running = new Map<string, AbortController>()
  private readonly spare: AbortController[] = []
  private idleWaiters: (() => void)[] = []

  /** `maxSpare`: unaborted controllers kept for later jobs (the worker's concurrency). */
  constructor(private readonly maxSpare: number) {}

  /** The signal of job `jobId`'s execution, until {@link release}. */
  take(jobId: string): AbortController {
    const c = this.spare.pop() ?? new AbortController()
    this.running.set(jobId, c)
    return c
  }

  /** The job has ended here: a cancel no longer reaches it, and an unaborted signal is reused. */
  release(jobId: string, c: AbortController): void {
    // a later attempt of the same job on this worker has its own
    if (this.running.get(jobId) === c) this.running.delete(jobId)
    if (!c.signal.aborted && this.spare.length < this.maxSpare) this.spare.push(c)
    if (this.running.size === 0) for (const idle of this.idleWaiters.splice(0)) idle()
  }

  /** Resolves once no execution runs here. */
  whenIdle(): Promise<void> {
    if (this.running.size === 0) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  /** Aborts job `jobId`'s execution with `reason`; false when this worker does not run it. */
  abort(jobId: string, reason?: unknown): boolean {
    const c = this.running.get(jobId)
    if (!c) return false
    c.abort(reason)
    return true
  }

  /** Aborts every running execution. */
  abortAll(reason?: unknown): void {
    for (const c of this.running.values()) c.abort(reason)
  }
}

/**
 * A BullMQ Worker whose processor takes no signal parameter (so BullMQ makes no controller per
 * job) and whose `cancelJob` / `cancelAllJobs` abort {@link JobSignals}' signals instead, as
 * BullMQ's do for its own.
 */
export class SignalledWorker extends Worker {
  constructor(
    name: string,
    processor: (job: Job) => Promise<unknown>,
    options: WorkerOptions,
    private readonly signals: JobSignals,
  ) {
    super(name, processor, options)
  }

  override cancelJob(jobId: string, reason?: string): boolean {
    return this.signals.abort(jobId, reason)
  }

  override cancelAllJobs(reason?: string): void {
    this.signals.abortAll(reason)
  }
}
