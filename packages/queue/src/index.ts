export {
  JobFailedError,
  JobNotFoundError,
  QueueUnavailableError,
  ResultTimeoutError,
  RetryableError,
  ScriptNotFoundError,
} from './errors.js'
export { MAX_NAME_BYTES } from './client-options.js'
export { MAX_PRIORITY, MAX_TENANT_BYTES } from './fairness.js'
export { MAX_DELAY_MS, MAX_ID_BYTES } from './job-options.js'
export { RESULT_SWEEP_MS } from './job-results.js'
export { MAX_PROGRESS_BYTES } from './job-progress.js'
export { type JobProgress, jobBridge, type ProgressOptions } from './job-progress.js'
export { isRetryable } from './retry-policy.js'
export type { ScriptRequest, ScriptSource } from './request-schema.js'
export { DEFAULT_JOB_OPTIONS, type EnqueueOptions, type QueueStats, type ScriptJob } from './queue-types.js'
export { createScriptQueue, ScriptQueue, type ScriptQueueOptions } from './script-queue.js'
export {
  MAX_SCHEDULE_EVERY_MS,
  MIN_SCHEDULE_EVERY_MS,
  SCHEDULE_PATTERN_ALIASES,
  SCHEDULE_TICK_LIMIT_MS,
  type ScheduleTiming,
} from './schedule-timing.js'
export {
  DEFAULT_MAX_SOURCE_BYTES,
  DEFAULT_SCRIPT_LANGUAGES,
  type ScriptInput,
  ScriptRegistry,
  type ScriptVersion,
} from './script-registry.js'
export { DEFAULT_MAX_ERROR_BYTES } from './stored-errors.js'
export { DEFAULT_MAX_RESULT_BYTES, DEFAULT_MAX_VALUE_BYTES } from './stored-results.js'
export { createScriptWorker, ScriptWorker, type ScriptWorkerOptions } from './script-worker.js'
