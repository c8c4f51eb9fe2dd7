import { AsyncLocalStorage } from 'node:async_hooks'

/**
 * What one queued execution has seen: messages of the RetryableErrors its bridge handlers
 * threw. Bridge handlers run in the async context of `host.execute` (inline isolation), so
 * an AsyncLocalStorage reaches them without touching the host's bridge contract.
 */
const scope = new AsyncLocalStorage<string[]>()

/** Runs `fn` with a fresh list of retry marks; returns the list with the outcome. */
export function withRetryScope<T>(fn: () => Promise<T>): { marks: string[]; run: Promise<T> } {
  const marks: string[] = []
  return { marks, run: scope.run(marks, fn) }
}

/** The running job's retry marks, or undefined outside a queued execution. */
export function retryMarks(): string[] | undefined {
  return scope.getStore()
}
