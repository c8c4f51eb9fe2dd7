import { createHost, defineBridge, LimitExceededError } from '@polyhost/core'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import type { JsState } from '../src/js-state.js'
import { SnapshotStore } from '../src/snapshot-store.js'
import { createState } from '../src/state-create.js'
import { StateSnapshot } from '../src/state-snapshot.js'
import { jsEngine } from '../src/index.js'
import { WasmLoader } from '../src/wasm.js'
import { capturedEnvironments } from './captured-env.js'
import { evaluate } from './guest-eval.js'

// States restored from one snapshot must share nothing: each is its own WASM instance whose
// memory starts as a copy of the template's. These tests write through one copy everywhere
// a script (or a memory-corrupting bug) could, and read the other.

const MUTATE = `(() => {
  'use strict'
  const out = []
  const attempt = (f) => { try { f(); out.push('changed') } catch { out.push('refused') } }
  globalThis.planted = 'A'
  attempt(() => { Object.prototype.polluted = 1 })
  attempt(() => { Array.prototype.push = () => 0 })
  attempt(() => { Function.prototype.call = () => 0 })
  attempt(() => { Object.getPrototypeOf(async function () {}).constructor.planted = 1 })
  attempt(() => { Object.getPrototypeOf(function* () {}).prototype.next = () => 0 })
  attempt(() => { Object.getPrototypeOf(Int8Array).prototype.fill = () => 0 })
  attempt(() => { JSON.parse = () => 'A' })
  attempt(() => { Math.max = () => 0 })
  attempt(() => { Object.getPrototypeOf([][Symbol.iterator]()).next = () => 0 })
  attempt(() => { Object.defineProperty(globalThis, 'Array', { value: 0 }) })
  return out.join(',')
})()`
const PROBE = `[
  typeof globalThis.planted, typeof ({}).polluted, [1].push(2), typeof JSON.parse('1'), Math.max(1, 2),
  [...[1, 2]].length, typeof Array, Object.getPrototypeOf(async function () {}).constructor.planted,
].join(',')`
const PRISTINE = 'undefined,undefined,2,number,2,2,function,'

const envs = capturedEnvironments()
const { states } = envs
const environment = () => envs.environment()

/** A full garbage collection (the flag is set at run time: vitest starts workers without it). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc')
  ;(runInNewContext('gc') as () => void)()
}

describe('states restored from one snapshot', () => {
  it('see none of what another copy wrote: globals, prototypes, hidden intrinsics, WASM memory', async () => {
    const env = await environment()
    const store = new SnapshotStore()
    const opts = { env, wasm: new WasmLoader(), retainHeapBytes: 16 << 20, heapReserveBytes: 32 << 20 }
    states.push(await createState(opts, store), await createState(opts, store))
    const before = store.restored
    const a = await createState(opts, store)
    const b = await createState(opts, store)
    states.push(a, b)
    expect(store.restored - before).toBe(2)
    expect(a.instance.heap.memory).not.toBe(b.instance.heap.memory)
    const bBytes = new Uint8Array(b.instance.heap.memory.buffer).slice()
    // both start byte-for-byte equal: a copy is the template, not something like it
    expect(Buffer.from(a.instance.heap.memory.buffer).equals(Buffer.from(bBytes))).toBe(true)

    // the lockdown is in the copy: prototypes and intrinsics refuse every write
    // (the global object itself is not frozen: reset finds such changes and retires the state)
    expect(evaluate(a, MUTATE)).toBe([...Array(9).fill('refused'), 'changed'].join(','))
    expect(evaluate(a, PROBE)).toBe(PRISTINE.replace(/^undefined/, 'string').replace(',function,', ',number,'))
    // a memory-corrupting bug in A could write anywhere in A's linear memory
    // (its upper half, A's live stack and heap included; A is not run again)
    const mine = new Uint8Array(a.instance.heap.memory.buffer)
    const half = mine.length >> 1
    const probe = half + (mine.length >> 3)
    mine.fill(0xab, half, mine.length)

    expect(evaluate(b, PROBE)).toBe(PRISTINE)
    expect(new Uint8Array(b.instance.heap.memory.buffer)[probe]).toBe(bBytes[probe])
    // and B's run changed only B: A's scribble is still A's alone
    expect(mine[probe]).toBe(0xab)
  })

  it('the state a snapshot was read from is replaced by a copy of it', async () => {
    // diffing reads all 16 MiB of the template's memory, which commits every page on some
    // kernels (an idle template measured 16 MiB resident, a copy 524 KiB): it is not kept
    const env = await environment()
    // a bridge too: its methods are host functions the snapshot rebuilds for every copy
    envs.host?.bridges.register(defineBridge({ name: 'kv', methods: { echo: { args: [z.any()], handler: (_c, v) => v } } }))
    const store = new SnapshotStore()
    const opts = { env, wasm: new WasmLoader(), retainHeapBytes: 16 << 20, heapReserveBytes: 32 << 20 }
    const read: WeakRef<WebAssembly.Memory>[] = []
    const take = StateSnapshot.take
    const spy = vi.spyOn(StateSnapshot, 'take').mockImplementation((template, ...rest) => {
      read.push(new WeakRef(template.heap.memory))
      return take.call(StateSnapshot, template, ...rest)
    })
    try {
      while (read.length === 0 && states.length < 3) states.push(await createState(opts, store))
    } finally {
      spy.mockRestore()
    }
    expect(read).toHaveLength(1)
    const last = states.at(-1) as JsState
    expect(store.restored).toBe(1)
    expect(evaluate(last, PROBE)).toBe(PRISTINE)
    expect(evaluate(last, 'typeof kv.echo')).toBe('function')
    // nothing keeps the template (its memory) alive: not the pool, not the snapshot's makers
    await new Promise((r) => setTimeout(r, 10))
    collectGarbage()
    expect(read[0]?.deref()).toBeUndefined()
  })

  it('each copy enforces its own memory limit and time limit, and stays usable', async () => {
    const host = await createHost({
      engines: [jsEngine()],
      pool: { min: 0, max: 3, maxUses: 1 },
      policy: { limits: { memoryBytes: 8 << 20, timeoutMs: 2000 } },
    })
    try {
      const store = SnapshotStore.shared(new WasmLoader().variantKey)
      for (let i = 0; i < 3; i++) await host.execute({ language: 'js', source: '1' })
      const restored = store.restored
      const [memory, time, ok] = await Promise.allSettled([
        host.execute({ language: 'js', source: 'const a = []; for (;;) a.push(new Array(1e5).fill(7))' }),
        host.execute({ language: 'js', source: 'for (;;) {}' }),
        host.execute({ language: 'js', source: '6 * 7' }),
      ])
      expect(store.restored - restored).toBe(3)
      expect(memory.status === 'rejected' && memory.reason).toBeInstanceOf(LimitExceededError)
      expect(memory.status === 'rejected' && (memory.reason as LimitExceededError).limit).toBe('memory')
      // the interrupt handler of the copy stops the loop (whichever budget runs out first)
      expect(['instructions', 'timeout']).toContain(time.status === 'rejected' && (time.reason as LimitExceededError).limit)
      if (ok.status === 'rejected') throw ok.reason
      expect(ok.value.value).toBe(42)
    } finally {
      await host.close()
    }
  })
})
