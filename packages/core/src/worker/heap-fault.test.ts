import { describe, expect, it } from 'vitest'
import type { Flight } from './flight.js'
import { accountedBytes, heapCulprits, isHeapExhaustion } from './heap-fault.js'
import { ABORT_FLAG_BYTES, ABORT_MEMORY_KIB } from './protocol.js'

const MiB = 1024 * 1024

/** A flight whose worker accounted `mib` MiB to its execution (only the flag is read). */
function flight(mib: number): Flight {
  const flag = new Int32Array(new SharedArrayBuffer(ABORT_FLAG_BYTES))
  flag[ABORT_MEMORY_KIB] = mib * 1024
  return { flag } as unknown as Flight
}

describe('heapCulprits: who is charged when a worker runs out of heap', () => {
  it('charges the executions over their share of the heap, not the small ones', () => {
    const victim = flight(0.01)
    const evil = [flight(30), flight(30), flight(30), flight(30)]
    // 128 MiB over 5 executions: a share of 25.6 MiB
    const charged = heapCulprits([victim, ...evil], 128 * MiB)
    expect(charged.has(victim)).toBe(false)
    for (const f of evil) expect(charged.has(f)).toBe(true)
  })

  it('charges the largest when none is over its share', () => {
    const big = flight(20)
    const small = [flight(1), flight(2), flight(3)]
    const charged = heapCulprits([...small, big], 512 * MiB)
    expect([...charged]).toEqual([big])
  })

  it('charges a lone execution whatever its accounting says', () => {
    const lone = flight(0)
    expect([...heapCulprits([lone], 128 * MiB)]).toEqual([lone])
  })

  it('charges all when no execution has memory accounted (nothing tells them apart)', () => {
    const all = [flight(0), flight(0)]
    expect(heapCulprits(all, 128 * MiB).size).toBe(2)
  })

  it('reads the accounted figure from the shared flag, and only a heap-limit crash counts', () => {
    expect(accountedBytes(flight(3))).toBe(3 * MiB)
    expect(accountedBytes({ flag: new Int32Array(2) } as unknown as Flight)).toBe(0)
    expect(isHeapExhaustion(Object.assign(new Error('oom'), { code: 'ERR_WORKER_OUT_OF_MEMORY' }))).toBe(true)
    expect(isHeapExhaustion(new Error('engine bug'))).toBe(false)
    expect(isHeapExhaustion(undefined)).toBe(false)
  })
})
