import { AsyncLocalStorage } from 'node:async_hooks'

/** What a script reports as its progress: a percentage, or a small plain object. */
export type JobProgress = number | Readonly<Record<string, unknown>>

/**
 * What a queued execution's bridge handlers reach without touching the host's bridge
 * contract. Handlers run in the async context of `host.execute` (with `isolation: 'worker'`
 * too: the host runs them in its caller's context), so an AsyncLocalStorage carries it.
 */
export interface JobScope {
  /** Messages of the RetryableErrors its bridge handlers threw. */
  readonly marks: string[]
  /** Where `job.progress(value)` goes (job-progress.ts). */
  readonly progress?: { report(value: JobProgress): void }
}

const scope = new AsyncLocalStorage<JobScope>()

/** Runs `fn` as the execution of one job. */
export function withJobScope<T>(job: JobScope, fn: () => Promise<T>): Promise<T> {
  return scope.run(job, fn)
}

/** The running job, or undefined outside a queued execution. */
export function currentJob(): JobScope | undefined {
  return scope.getStore()
}

/** The running job's retry marks, or undefined outside a queued execution. */
export function retryMarks(): string[] | undefined {
  return scope.getStore()?.marks
}

/** Runs `fn` outside any job. */
export function outsideJobScope<T>(fn: () => T): T {
  return scope.exit(fn)
}
