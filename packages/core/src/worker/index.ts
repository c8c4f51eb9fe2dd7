export type { WorkerIsolationOptions } from './options.js'
export { startWorkerIsolation, type WorkerIsolationInit } from './worker-engine.js'
