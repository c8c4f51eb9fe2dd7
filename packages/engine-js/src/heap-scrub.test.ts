import { describe, expect, it } from 'vitest'
import { scrubFree } from './heap-scrub.js'
import { WasmLoader } from './wasm.js'

const KiB = 1024
const MiB = 1 << 20
/** Room left at a hole's edges for the allocator's own headers and free-list links. */
const EDGE = 64

describe('scrubFree', () => {
  it('zeroes every whole page of free heap and leaves live blocks and the heap size alone', async () => {
    const { heap, alloc } = await new WasmLoader().instantiate(256 * MiB, undefined, 8 * MiB)
    const bytes = () => new Uint8Array(heap.memory.buffer)
    // 40 blocks written over, every other one freed again: holes of garbage between live data
    const blocks = Array.from({ length: 40 }, () => alloc._malloc(24 * KiB))
    for (const p of blocks) bytes().fill(0xff, p, p + 24 * KiB)
    const live = blocks.filter((_, i) => i % 2 === 0)
    for (const p of blocks.filter((_, i) => i % 2 === 1)) alloc._free(p)
    for (const p of live) bytes().fill(0xab, p, p + 24 * KiB)
    // a large block of garbage above them, and the probe's own writes into the free space
    const big = alloc._malloc(2 * MiB)
    bytes().fill(0xff, big, big + 2 * MiB)
    alloc._free(big)
    heap.measure(alloc)
    const size = heap.size
    const free = heap.free

    expect(scrubFree(heap, alloc)).toBeGreaterThan(2 * MiB)

    const m = bytes()
    for (const p of live) expect(m.subarray(p, p + 24 * KiB).every((b) => b === 0xab)).toBe(true)
    // the last hole ends a page early: the allocator keeps its top chunk's header there
    const holes = live.map((p, i) => [p + 24 * KiB + EDGE, (live[i + 1] ?? size - 4096) - EDGE] as const)
    let pages = 0
    for (const [from, to] of holes) {
      for (let at = Math.ceil(from / 4096) * 4096; at + 4096 <= to; at += 4096, pages++) {
        expect(
          m.subarray(at, at + 4096).every((b) => b === 0),
          `page at ${at}`,
        ).toBe(true)
      }
    }
    expect(pages).toBeGreaterThan((2 * MiB) / 4096)
    // nothing grew or tripped, and no free space was lost (coalesced, it may probe larger)
    expect(heap.size).toBe(size)
    expect(heap.tripped).toBe(false)
    expect(heap.measure(alloc)).toBeGreaterThanOrEqual(free)
  })

  it('does nothing on a heap that is not probed (sanitizer builds)', async () => {
    const { heap, alloc } = await new WasmLoader().instantiate(64 * MiB)
    heap.probing = false
    expect(scrubFree(heap, alloc)).toBe(0)
  })
})
