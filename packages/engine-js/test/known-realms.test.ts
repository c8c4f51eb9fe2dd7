import releaseVariant from '@jitl/quickjs-wasmfile-release-sync'
import { createHost } from '@polyhost/core'
import type { QuickJSSyncVariant } from 'quickjs-emscripten-core'
import { describe, expect, it } from 'vitest'
import { compileWasm, jsEngine } from '../src/index.js'
import { learnedRealms, PINNED_REALMS } from '../src/known-realms.js'

// The pinned QuickJS build's realm shapes are shipped as known, so a process's first state
// skips the factory calls of the discovery of intrinsics. This runs the full discovery on
// that very build (passed as an explicit variant, so nothing is taken as known) and fails
// when it reports another shape or finds anything the walk and probes missed.

describe('known realm shapes of the pinned QuickJS build', () => {
  it('a full discovery on the pinned build finds nothing beyond the shipped shapes', async () => {
    expect(learnedRealms().size).toBe(0)
    const host = await createHost({
      engines: [
        jsEngine({
          variant: releaseVariant as unknown as QuickJSSyncVariant,
          wasmModule: () => compileWasm('@jitl/quickjs-wasmfile-release-sync/wasm'),
          snapshots: false,
        }),
      ],
      // every preset's realm: the discovery runs before the policy changes anything
      policy: 'minimal',
      pool: { min: 1, max: 1 },
    })
    try {
      expect((await host.execute({ language: 'js', source: '6 * 7' })).value).toBe(42)
    } finally {
      await host.close()
    }
    // learned only when the full discovery found nothing extra (known-realms.ts)
    expect([...learnedRealms()]).toEqual([...PINNED_REALMS])
  }, 120_000)
})
