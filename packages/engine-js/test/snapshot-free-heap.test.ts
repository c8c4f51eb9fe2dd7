import { expect, it } from 'vitest'
import type { MemoryImage } from '../src/memory-image.js'
import { SnapshotStore, shapeOf } from '../src/snapshot-store.js'
import { createState } from '../src/state-create.js'
import { WasmLoader } from '../src/wasm.js'
import { capturedEnvironments } from './captured-env.js'

// A snapshot copies the pages where the template differs from a fresh instance; every copy's
// resident memory is those pages. Set-up leaves garbage in freed heap blocks, and measuring the
// free heap writes headers into it: the template's free heap is zeroed before the snapshot is
// taken, so a copy's free heap is zero pages (equal to a fresh instance's, never copied).

const envs = capturedEnvironments()
const BLOCK = 64 * 1024

/** A first state (the template of the snapshot) and a second one restored from it. */
async function templateAndCopy() {
  const env = await envs.environment()
  const store = new SnapshotStore()
  const opts = { env, wasm: new WasmLoader(), retainHeapBytes: 16 << 20, heapReserveBytes: 32 << 20 }
  envs.states.push(await createState(opts, store))
  const copy = await createState(opts, store)
  envs.states.push(copy)
  expect(store.restored).toBe(1)
  return { env, store, opts, copy }
}

it("a copy's free heap blocks hold only zero pages", async () => {
  const { copy } = await templateAndCopy()
  const { heap, alloc } = copy.instance
  const end = heap.size - 4096 // the allocator's top header may sit on the last page
  // blocks of one size: taking one writes headers at its edges only, never inside it
  const blocks: number[] = []
  heap.withoutGrowth(() => {
    for (let p = alloc._malloc(BLOCK); p !== 0; p = alloc._malloc(BLOCK)) blocks.push(p)
    return 0
  })
  let checked = 0
  const m = new Uint8Array(heap.memory.buffer)
  for (const p of blocks) {
    for (let at = Math.ceil((p + 64) / 4096) * 4096; at + 4096 <= Math.min(p + BLOCK - 64, end); at += 4096, checked++) {
      expect(
        m.subarray(at, at + 4096).every((b) => b === 0),
        `free page at ${at}`,
      ).toBe(true)
    }
  }
  for (const p of blocks) alloc._free(p)
  // the free heap a new memory starts with is more than 64 pages
  expect(checked).toBeGreaterThan(64)
  expect(copy.ctx.dump(copy.ctx.unwrapResult(copy.ctx.evalCode('[1, 2, 3].map((x) => x * 2).join()')))).toBe('2,4,6')
})

// Set-up's calls leave their frames on the stack, below the stack pointer, where no call holds
// them once set-up returned: a copy's stack reads as a fresh instance's, so no copy takes them.
it("a copy's stack holds none of set-up's frames", async () => {
  const { env, store, opts, copy } = await templateAndCopy()
  const top = copy.instance.stackTop
  expect(top).toBeGreaterThan(1 << 20)
  const fresh = await opts.wasm.instantiate(copy.instance.budget, undefined, copy.instance.heap.size)
  // the template's memory as the snapshot holds it (the copy itself ran calls since, on its own stack)
  const image = (store.get(shapeOf(env, undefined)) as unknown as { image: MemoryImage }).image
  const b = Buffer.from(fresh.heap.memory.buffer)
  const differ: number[] = []
  for (let at = Math.ceil((top! - (1 << 20)) / 4096) * 4096; at < top!; at += 4096) {
    const end = Math.min(at + 4096, top!) - at
    if (Buffer.from(image.page(at)).compare(b, at, at + end, 0, end) !== 0) differ.push(at)
  }
  expect(differ).toEqual([])
  // the copy runs, calls on its stack included
  const deep = 'const f = (n) => (n === 0 ? 0 : 1 + f(n - 1)); f(100)'
  expect(copy.ctx.dump(copy.ctx.unwrapResult(copy.ctx.evalCode(deep)))).toBe(100)
})
