import { createHost, defineBridge } from '@polyhost/core'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { jsEngine } from '../src/index.js'

// Each async bridge call makes a guest promise. quickjs-emscripten's newPromise() reads the
// promise's resolving functions through an Int32Array made before the call that writes them:
// once the WASM heap grew in between (thousands of pending promises), that view was detached
// and a well-behaved script failed with the host's "Cannot perform %TypedArray%.prototype.values
// on a detached ArrayBuffer". The engine makes them without a stale view (DirectFfi.newPromise),
// and runs pending jobs likewise (DirectFfi.executePendingJobs). Workers load dist/: build first.

// where the heap grows depends on the state's layout: each run gets a fresh state, and the
// three results differ in shape (before the fix, most of these runs failed)
const SOURCES: [string, unknown][] = [
  [
    'const ids = Array.from({ length: 9000 }, (_, i) => i); const values = await Promise.all(ids.map((i) => kv.get(i))); values.length',
    9000,
  ],
  ["const values = await Promise.all(Array.from({ length: 9000 }, (_, i) => kv.get(i))); values.length + ':' + values[8999]", '9000:8999'],
  [
    'let n = 0; const all = []; for (let i = 0; i < 9000; i++) all.push(kv.get(i).then((v) => { n += v })); await Promise.all(all); n',
    40495500,
  ],
]

describe('thousands of concurrent async bridge calls', () => {
  for (const isolation of ['inline', 'worker'] as const) {
    it(`9,000 awaited at once all resolve (${isolation})`, async () => {
      const host = await createHost({ engines: [jsEngine()], isolation, workers: 1, pool: { maxUses: 1 } })
      try {
        host.bridges.register(defineBridge({ name: 'kv', methods: { get: { args: [z.number()], handler: async (_ctx, i) => i } } }))
        for (const [source, expected] of SOURCES) expect((await host.execute({ language: 'js', source })).value).toBe(expected)
        // and the host is still sound
        expect((await host.execute({ language: 'js', source: '1 + 1' })).value).toBe(2)
      } finally {
        await host.close()
      }
    }, 60_000)
  }
})
