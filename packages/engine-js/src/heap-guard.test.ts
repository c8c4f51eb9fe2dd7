import { describe, expect, it } from 'vitest'
import { PAGE } from './heap-guard.js'
import { WasmLoader } from './wasm.js'

const MiB = 1 << 20

describe('HeapGuard', () => {
  it('measures free heap, caps growth at the budget and records the trip', async () => {
    const { heap, alloc } = await new WasmLoader().instantiate(256 * MiB, undefined, 16 * MiB)
    const free = heap.measure(alloc)
    // a memory started at 16 MiB: nearly all of it is free before any runtime exists
    expect(free).toBeGreaterThan(8 * MiB)
    heap.begin(free + 4 * MiB, alloc)
    const blocks: number[] = []
    let p: number
    while ((p = alloc._malloc(256 * 1024)) !== 0) blocks.push(p)
    expect(heap.tripped).toBe(true)
    const got = blocks.length * 256 * 1024
    expect(got).toBeLessThanOrEqual(free + 4 * MiB)
    expect(got).toBeGreaterThan(free + 2 * MiB)
    for (const b of blocks) alloc._free(b)
    heap.end(alloc)
  })

  it('parks excess free space in a ballast when the budget is below it', async () => {
    const { heap, alloc } = await new WasmLoader().instantiate(256 * MiB, undefined, 16 * MiB)
    heap.measure(alloc)
    const size = heap.size
    heap.begin(2 * MiB, alloc)
    let total = 0
    while (alloc._malloc(64 * 1024) !== 0) total += 64 * 1024
    expect(total).toBeLessThanOrEqual(2 * MiB)
    expect(total).toBeGreaterThan(MiB)
    expect(heap.size).toBe(size)
    heap.end(alloc)
  })

  it('never grows past the Memory maximum, with no execution running', async () => {
    const { heap, alloc } = await new WasmLoader().instantiate(32 * MiB)
    let p: number
    while ((p = alloc._malloc(MiB)) !== 0) expect(p).toBeGreaterThan(0)
    expect(heap.size).toBeLessThanOrEqual(32 * MiB)
    expect(heap.size % PAGE).toBe(0)
  })
})
