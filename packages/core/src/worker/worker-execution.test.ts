import { SecurityManager } from '@polyhost/security'
import { describe, expect, it } from 'vitest'
import { executionInit } from '../../test/fixtures/bare-execution.js'
import { Execution } from '../execution.js'
import type { HostLink } from './host-link.js'
import { ABORT_FLAG_BYTES, ABORT_MEMORY_KIB } from './protocol.js'
import { clockCell } from './shared-clock.js'
import { WorkerExecution } from './worker-execution.js'
import { doneMessage } from './worker-stats.js'

/** A worker's execution over a fresh shared buffer, as worker-main makes one per job. */
function workerExecution(flagWords = ABORT_FLAG_BYTES / 4): { x: WorkerExecution; flag: Int32Array } {
  const buffer = new SharedArrayBuffer(64)
  const flag = new Int32Array(buffer, 0, flagWords)
  const x = new WorkerExecution(
    executionInit({ limits: SecurityManager.resolve('standard').policy.limits }),
    1,
    flag,
    clockCell(buffer),
    {} as HostLink,
    () => {},
    new Int32Array(new SharedArrayBuffer(4)),
  )
  return { x, flag }
}

describe('WorkerExecution.memoryBytes', () => {
  it('publishes every value the engine sets to the shared flag, in KiB rounded up', () => {
    const { x, flag } = workerExecution()
    expect(x.memoryBytes).toBe(0)
    x.memoryBytes = 5000
    expect(x.memoryBytes).toBe(5000)
    expect(Atomics.load(flag, ABORT_MEMORY_KIB)).toBe(5)
    x.memoryBytes = 2 ** 52
    expect(Atomics.load(flag, ABORT_MEMORY_KIB)).toBe(0x7fffffff)
    x.memoryBytes = 0
    expect(Atomics.load(flag, ABORT_MEMORY_KIB)).toBe(0)
  })

  it('keeps the figure without publishing when the flag has no memory word', () => {
    const { x, flag } = workerExecution(ABORT_MEMORY_KIB)
    x.memoryBytes = 4096
    expect(x.memoryBytes).toBe(4096)
    expect(flag.length).toBe(ABORT_MEMORY_KIB)
  })

  it('is the class accessor, not one defined on each instance (that cost ~4 µs of every job in a worker)', () => {
    const { x } = workerExecution()
    expect(Object.getOwnPropertyDescriptor(x, 'memoryBytes')).toBeUndefined()
    expect(Object.getOwnPropertyDescriptor(Execution.prototype, 'memoryBytes')?.set).toBeTypeOf('function')
  })
})

describe('doneMessage', () => {
  it('carries what the usage fields overridden by the result carried, in one object', () => {
    const r = {
      value: 3,
      values: [3],
      logs: [{ level: 'info' as const, message: 'x', time: 1 }],
      stats: { durationMs: 0.5, instructions: 4, memoryBytes: 9060, outputBytes: 1, bridgeCalls: 0, compileCacheHit: true },
    }
    const stats = { pool: { size: 1 }, executions: 3 } as never
    const usage = { t: 'done', id: 7, logs: [], outputBytes: 0, instructions: 0, memoryBytes: 0, stats }
    // the three spreads it replaces
    const spread = (hit: boolean) => {
      let done: object = { ...usage, logs: r.logs, value: r.value, values: r.values, durationMs: r.stats.durationMs }
      if (!hit) done = { ...done, compiled: true }
      return { ...done, instructions: r.stats.instructions, memoryBytes: r.stats.memoryBytes, outputBytes: r.stats.outputBytes }
    }
    for (const hit of [true, false]) expect(doneMessage(7, r as never, stats, hit)).toStrictEqual(spread(hit))
  })
})
