import { createHost } from '@polyhost/core'
import { describe, expect, it, vi } from 'vitest'
import { InstanceRecycler } from '../src/instance-recycler.js'
import type { JsState } from '../src/js-state.js'
import { jsEngine } from '../src/index.js'
import { SnapshotStore } from '../src/snapshot-store.js'
import { createState } from '../src/state-create.js'
import { WasmLoader } from '../src/wasm.js'
import { capturedEnvironments } from './captured-env.js'
import { evaluate } from './guest-eval.js'

// A new state may start in the WebAssembly instance of a retired one (same snapshot): its
// memory is reset to the template's, byte for byte. These tests leave secrets and scribbles
// everywhere in the old state's memory, then look for them from the new state and its memory.

const envs = capturedEnvironments()
const { states } = envs

/** A store whose snapshot exists, a recycler, and the options states are made with. */
async function setUp() {
  const env = await envs.environment()
  const store = new SnapshotStore()
  const wasm = new WasmLoader()
  const recycler = new InstanceRecycler(wasm)
  const opts = { env, wasm, retainHeapBytes: 16 << 20, heapReserveBytes: 32 << 20 }
  // the first set-up is not snapshotted, the second is (and its state is a copy)
  states.push(await createState(opts, store), await createState(opts, store))
  const make = () => createState(opts, store, recycler)
  return { recycler, make }
}

const SECRET = `(() => {
  globalThis.secret = 'S3CR3T'.repeat(2000)
  const kept = []
  for (let i = 0; i < 200; i++) kept.push({ i, s: 'S3CR3T-' + i, a: new Array(50).fill(i) })
  globalThis.kept = kept
  return kept.length
})()`

describe('a state started in a retired state’s instance', () => {
  it('starts byte-for-byte as a new copy of the snapshot, whatever the last state wrote', async () => {
    const { recycler, make } = await setUp()
    const a = await make()
    const start = Buffer.from(new Uint8Array(a.instance.heap.memory.buffer).slice())
    expect(evaluate(a, SECRET)).toBe(200)
    // a memory-corrupting bug could write anywhere in A's memory: data, stack, heap, the top
    const mine = new Uint8Array(a.instance.heap.memory.buffer)
    for (const at of [64, 40_000, mine.length >> 2, mine.length >> 1, mine.length - 7]) mine.fill(0xab, at, at + 5)
    const memory = a.instance.heap.memory
    a.destroy()
    expect(recycler.reused).toBe(0)

    const b = await make()
    states.push(b)
    expect(recycler.reused).toBe(1)
    // the same memory, back to exactly what a new copy starts with
    expect(b.instance.heap.memory).toBe(memory)
    expect(Buffer.from(b.instance.heap.memory.buffer).equals(start)).toBe(true)
    expect(new Uint8Array(b.instance.heap.memory.buffer).indexOf(0xab)).toBe(start.indexOf(0xab))
    expect(Buffer.from(b.instance.heap.memory.buffer).indexOf('S3CR3T')).toBe(-1)
    expect(evaluate(b, '[typeof secret, typeof kept, [1, 2].map((x) => x * 2).join()].join()')).toBe('undefined,undefined,2,4')
  })

  it('serves a state of another shape (another init script), reset to that shape’s template', async () => {
    const env = await envs.environment()
    const store = new SnapshotStore()
    const wasm = new WasmLoader()
    const recycler = new InstanceRecycler(wasm)
    const base = { env, wasm, retainHeapBytes: 16 << 20, heapReserveBytes: 32 << 20 }
    const shapeA = { ...base, initScript: 'globalThis.shape = "A"' }
    const shapeB = { ...base, initScript: 'globalThis.shape = "B"' }
    for (const opts of [shapeA, shapeA, shapeB, shapeB]) states.push(await createState(opts, store))
    // what a new copy of B starts with
    const freshB = await createState(shapeB, store)
    const startB = Buffer.from(new Uint8Array(freshB.instance.heap.memory.buffer).slice())
    freshB.destroy()
    const a = await createState(shapeA, store, recycler)
    expect(evaluate(a, SECRET)).toBe(200)
    const memory = a.instance.heap.memory
    a.destroy()
    const b = await createState(shapeB, store, recycler)
    states.push(b)
    expect(recycler.reused).toBe(1)
    expect(b.instance.heap.memory).toBe(memory)
    expect(Buffer.from(b.instance.heap.memory.buffer).equals(startB)).toBe(true)
    expect(evaluate(b, '[shape, typeof secret].join()')).toBe('B,undefined')
  })

  it('the retired state’s own wrappers stop working: nothing it holds reaches the new state', async () => {
    const { recycler, make } = await setUp()
    const a = await make()
    const handle = a.ctx.newString('kept by A')
    a.destroy()
    const b = await make()
    states.push(b)
    expect(recycler.reused).toBe(1)
    expect(() => evaluate(a, 'globalThis.planted = 1')).toThrow(/retired/)
    expect(() => a.ctx.newString('x')).toThrow(/retired/)
    expect(() => handle.dispose()).toThrow(/retired/)
    expect(() => a.instance.alloc._malloc(16)).toThrow(/retired/)
    // every other way in: strings and buffers allocated through the module, the heap guard,
    // a new runtime, the direct-call path; none may touch B's memory
    const bMemory = Buffer.from(new Uint8Array(b.instance.heap.memory.buffer).slice())
    expect(() => a.ctx.newString('x'.repeat(5000))).toThrow()
    expect(() => a.ctx.newArrayBuffer(new Uint8Array(5000).buffer)).toThrow()
    expect(() => a.instance.heap.end(b.instance.alloc)).toThrow(/retired/)
    expect(() => a.instance.heap.begin(false, b.instance.alloc)).toThrow(/retired/)
    expect(() => a.instance.module.newRuntime()).toThrow(/retired/)
    expect(() => a.direct?.newString('y'.repeat(2000))).toThrow()
    expect(() => a.direct?.call(handle, [])).toThrow()
    expect(Buffer.from(b.instance.heap.memory.buffer).equals(bMemory)).toBe(true)
    expect(evaluate(b, 'typeof planted')).toBe('undefined')
    expect(evaluate(b, '6 * 7')).toBe(42)
    // and again for a state that itself started in a recycled instance
    const kept = b.ctx.newString('kept by B')
    b.destroy()
    states.pop()
    const c = await make()
    states.push(c)
    expect(recycler.reused).toBe(2)
    expect(() => evaluate(b, 'globalThis.planted = 2')).toThrow(/retired/)
    expect(() => kept.dispose()).toThrow(/retired/)
    expect(() => b.instance.alloc._free(0)).toThrow(/retired/)
    expect(() => b.instance.module.newRuntime()).toThrow(/retired/)
    expect(() => b.instance.module.getFFI().QTS_GetUndefined()).toThrow(/retired/)
    expect(evaluate(c, 'typeof planted')).toBe('undefined')
  })

  it('is not taken back when the state was running or inside a call, broken or grown, or the recycler closed', async () => {
    const { recycler, make } = await setUp()
    const running = await make()
    running.execution = {} as JsState['execution']
    running.destroy()
    const broken = await make()
    broken.broken = true
    broken.destroy()
    const grown = await make()
    evaluate(grown, 'globalThis.big = new Uint8Array(8 << 20).fill(1).length')
    expect(grown.instance.heap.size).toBeGreaterThan(grown.baseHeap)
    grown.destroy()
    // retired from inside a call into its instance (a host function): the call has not unwound
    const inside = await make()
    let atRest: boolean | undefined
    inside.ctx
      .newFunction('retire', () => {
        atRest = inside.instance.atRest?.()
        inside.destroy()
      })
      .consume((f) => inside.ctx.setProp(inside.ctx.global, 'retire', f))
    expect(inside.instance.atRest?.()).toBe(true)
    expect(() => evaluate(inside, 'retire(), 1')).toThrow(/retired/)
    expect(atRest).toBe(false)
    const c = await make()
    states.push(c)
    expect(recycler.reused).toBe(0)
    recycler.close()
    const late = await make()
    late.destroy()
    states.push(await make())
    expect(recycler.reused).toBe(0)
  })

  it.each([32 << 20, 10_000_000])(
    'is reused under a memory limit of %d bytes (a budget of no whole number of pages)',
    async (memoryBytes) => {
      const take = vi.spyOn(InstanceRecycler.prototype, 'take')
      const host = await createHost({ engines: [jsEngine()], limits: { memoryBytes }, pool: { min: 0, max: 1, maxUses: 1 } })
      try {
        for (let i = 0; i < 10; i++) expect((await host.execute({ language: 'js', source: `${i} * 2` })).value).toBe(i * 2)
        expect(take.mock.results.filter((r) => r.value !== undefined).length).toBeGreaterThanOrEqual(8)
      } finally {
        take.mockRestore()
        await host.close()
      }
    },
  )

  it('through a host: 300 single-use states for alternating tenants see nothing of each other', async () => {
    const take = vi.spyOn(InstanceRecycler.prototype, 'take')
    const host = await createHost({ engines: [jsEngine()], pool: { min: 0, max: 1, maxUses: 1 } })
    try {
      const seen = new Set<string>()
      for (let i = 0; i < 300; i++) {
        const tenant = `t${i % 3}`
        const r = await host.execute({
          language: 'js',
          source: `const before = typeof globalThis.mine + ':' + typeof Object.prototype.leak
            globalThis.mine = tenant; try { Object.prototype.leak = tenant } catch {}
            before`,
          globals: { tenant },
          context: { tenant },
        })
        seen.add(r.value as string)
      }
      expect([...seen]).toEqual(['undefined:undefined'])
      const js = host.stats().engines.js
      expect(js?.pool.destroyed).toBeGreaterThanOrEqual(299)
      // (all but the first few states started in the instance of the one before)
      expect(take.mock.results.filter((r) => r.value !== undefined).length).toBeGreaterThanOrEqual(290)
    } finally {
      take.mockRestore()
      await host.close()
    }
  })
})
