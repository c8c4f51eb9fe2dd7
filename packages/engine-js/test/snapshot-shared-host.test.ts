import { expect, it } from 'vitest'
import { SnapshotStore } from '../src/snapshot-store.js'
import { createState } from '../src/state-create.js'
import { WasmLoader } from '../src/wasm.js'
import { capturedEnvironments } from './captured-env.js'

// What the host keeps per state is paid once per idle pooled state, beside its linear memory.
// A copy of a snapshot reads the template's baseline globals (the names `globals` may not
// replace) from one set the snapshot holds, not from a set of its own.

const envs = capturedEnvironments()

it('copies of one snapshot read one baseline set, which refuses the built-in globals', async () => {
  const env = await envs.environment()
  const store = new SnapshotStore()
  const opts = { env, wasm: new WasmLoader(), retainHeapBytes: 16 << 20, heapReserveBytes: 32 << 20 }
  envs.states.push(await createState(opts, store))
  const a = await createState(opts, store)
  const b = await createState(opts, store)
  envs.states.push(a, b)
  expect(store.restored).toBe(2)
  expect(a.baseline).toBe(b.baseline)
  for (const name of ['Array', 'Object', 'JSON', 'globalThis', 'console']) expect(a.baseline.has(name), name).toBe(true)
  expect(a.baseline.has('planted')).toBe(false)
  // a host made the same way refuses such a global on its (copied) states
  const host = envs.host
  if (!host) throw new Error('no host')
  await expect(host.execute({ language: 'js', source: 'Array', globals: { Array: 1 } })).rejects.toThrow(/would replace a built-in global/)
  for (let i = 0; i < 3; i++) expect((await host.execute({ language: 'js', source: 'planted', globals: { planted: i } })).value).toBe(i)
})
