import { asyncBridges } from './workloads/async-bridges.mjs'
import { bridgeCalls } from './workloads/bridge-calls.mjs'
import { burst } from './workloads/burst.mjs'
import { coldStart } from './workloads/cold-start.mjs'
import { conversion } from './workloads/conversion.mjs'
import { cpu } from './workloads/cpu.mjs'
import { memory } from './workloads/memory.mjs'
import { queueJobs } from './workloads/queue.mjs'
import { redisScripts } from './workloads/redis-scripts.mjs'
import { tiny } from './workloads/tiny.mjs'
import { workers } from './workloads/workers.mjs'

/**
 * @typedef {object} WorkloadContext
 * @property {boolean} quick smaller inputs and shorter sampling (CI smoke run)
 * @property {typeof import('./harness.mjs').PROFILES.full} profile tinybench settings
 *
 * @typedef {object} WorkloadResult
 * @property {number} id
 * @property {string} title
 * @property {string} unit what one row's figures measure ("per execution", "per 100k calls")
 * @property {import('./harness.mjs').Measurement[]} rows
 * @property {import('./ratios.mjs').Ratio[]} ratios
 * @property {string[]} notes
 * @property {{ header: string[], rows: string[][] }} [table] workload-specific extra table
 */

/** Every workload, in report order. */
export const WORKLOADS = [
  { id: 1, name: 'tiny', run: tiny },
  { id: 2, name: 'cpu', run: cpu },
  { id: 3, name: 'bridge', run: bridgeCalls },
  { id: 4, name: 'conversion', run: conversion },
  { id: 5, name: 'async', run: asyncBridges },
  { id: 6, name: 'cold-start', run: coldStart },
  { id: 7, name: 'memory', run: memory },
  { id: 8, name: 'workers', run: workers },
  { id: 9, name: 'queue', run: queueJobs },
  { id: 10, name: 'burst', run: burst },
  { id: 11, name: 'redis-scripts', run: redisScripts },
]
