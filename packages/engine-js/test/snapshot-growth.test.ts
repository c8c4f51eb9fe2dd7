import { expect, it } from 'vitest'
import type { JsState } from '../src/js-state.js'
import { SnapshotStore } from '../src/snapshot-store.js'
import { createState } from '../src/state-create.js'
import { WasmLoader } from '../src/wasm.js'
import { capturedEnvironments } from './captured-env.js'

// A state's memory starts small (the module's data and stack plus 1 MiB) and set-up may grow
// it: an init script that builds a large baseline. Such a template is still snapshotted, and
// its copies start with its size, holding its data, each in its own memory.

const envs = capturedEnvironments()
const { states } = envs
const environment = () => envs.environment()

function evaluate(state: JsState, code: string): unknown {
  return state.ctx.unwrapResult(state.ctx.evalCode(code, '<test>', { type: 'global' })).consume((h) => state.ctx.dump(h))
}

it('a template whose set-up grew its memory is copied at its grown size', async () => {
  const env = await environment()
  const store = new SnapshotStore()
  // 4 MiB of baseline data: more than a new memory's free heap
  const initScript = "globalThis.table = Array.from({ length: 1 << 16 }, (_, i) => 'row ' + i + ' '.repeat(40))"
  const opts = { env, wasm: new WasmLoader(), initScript, retainHeapBytes: 16 << 20, heapReserveBytes: 32 << 20 }
  const fresh = await new WasmLoader().instantiate(64 << 20)
  states.push(await createState(opts, store), await createState(opts, store))
  const a = await createState(opts, store)
  const b = await createState(opts, store)
  states.push(a, b)
  expect(store.restored).toBeGreaterThanOrEqual(2)
  expect(a.instance.heap.size).toBeGreaterThan(fresh.heap.size + (2 << 20))
  expect(b.instance.heap.size).toBe(a.instance.heap.size)
  expect(Buffer.from(a.instance.heap.memory.buffer).equals(Buffer.from(b.instance.heap.memory.buffer))).toBe(true)
  expect(evaluate(a, 'table.length + table[65535]')).toBe(`65536row 65535${' '.repeat(40)}`)
  // a write through one copy's memory stays there
  new Uint8Array(a.instance.heap.memory.buffer).fill(0xab, a.instance.heap.size >> 1)
  expect(evaluate(b, 'table[1 << 15]')).toBe(`row 32768${' '.repeat(40)}`)
})
