import type { ResolvedLimits } from '@polyhost/core/engine'
import { describe, expect, it } from 'vitest'
import { MAX_STACK_BYTES, stackBytesFor, stackTripFigures } from './limits.js'

const base: ResolvedLimits = {
  instructions: 1_000_000,
  timeoutMs: 1000,
  memoryBytes: 1,
  stackDepth: 150,
  bridgeCalls: 1,
  outputBytes: 1,
  sourceBytes: 1,
}

describe('limits', () => {
  it('sizes the stack from the depth, never above 256 KiB', () => {
    expect(stackBytesFor(base)).toBe(16 * 1024 + 150 * 256)
    expect(stackBytesFor({ ...base, stackDepth: 1 })).toBe(32 * 1024)
    expect(stackBytesFor({ ...base, stackDepth: 100_000 })).toBe(MAX_STACK_BYTES)
    expect(stackBytesFor({ ...base, stackDepth: false })).toBe(MAX_STACK_BYTES)
  })

  it('states the depth a stack overflow really reached, from the backtrace', () => {
    const trace = [...Array(100).fill('    at r (x.js:1:10)'), '    at <eval> (x.js:2:1)'].join('\n')
    expect(stackTripFigures({ ...base, stackDepth: 100_000 }, trace)).toEqual([102, 101])
    // a backtrace built later, where the error was rethrown (an async function's): the policy's figures
    expect(stackTripFigures({ ...base, stackDepth: 1000 }, '    at <eval> (x.js:2:1)')).toEqual([1001, 1000])
    expect(stackTripFigures(base, undefined)).toEqual([151, 150])
    expect(stackTripFigures({ ...base, stackDepth: false }, '')).toEqual([1, 0])
  })
})
