import nodeCrypto from 'node:crypto'
import { conformanceFailure } from '@polyhost/conformance'
import { StatePool } from '@polyhost/core/engine'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { luaEngine } from '../src/index.js'
import { WatchedLibraries } from '../src/libraries.js'
import { LuaSandbox } from '../src/lua-state.js'
import { luaSnippets } from './lua-snippets.js'

// The cross-tenant clause of the kit must fail when isolation breaks: here it runs against
// the Lua engine with its reset, the pool's partitioning or its random seeding broken on purpose.

const options = { engine: () => luaEngine(), snippets: luaSnippets }
const failure = (id: string) => conformanceFailure(expect, options, id)
afterEach(() => vi.restoreAllMocks())

/** Reset no longer restores library tables (nor the string metatable); validation approves. */
function breakReset(): void {
  vi.spyOn(WatchedLibraries.prototype, 'restoreChanged').mockReturnValue(false)
  vi.spyOn(LuaSandbox.prototype, 'validate').mockReturnValue(true)
}

describe('the tenants clause fails when isolation breaks (Lua)', () => {
  it('on a shared state whose reset leaves tampered libraries behind', async () => {
    breakReset()
    expect(await failure('tenants.alternating-shared')).toMatch(/intact false/)
  }, 120_000)

  it('with default options, when the pool also hands one tenant’s state to the other', async () => {
    breakReset()
    vi.spyOn(StatePool.prototype as unknown as { partitionOf(): undefined }, 'partitionOf').mockReturnValue(undefined)
    expect(await failure('tenants.alternating')).toMatch(/intact false/)
  }, 120_000)

  it('when every execution’s generator starts from the same seed', async () => {
    // the platform CSPRNG (node:crypto's randomFillSync, which core draws from) writing
    // nothing: each execution's draws restart one sequence
    vi.spyOn(nodeCrypto, 'randomFillSync').mockImplementation((a) => a)
    expect(await failure('tenants.alternating-shared')).toMatch(/was seen before/)
  }, 120_000)
})
