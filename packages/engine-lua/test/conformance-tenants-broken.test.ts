import { conformanceTests } from '@polyhost/conformance'
import { StatePool } from '@polyhost/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { luaEngine } from '../src/index.js'
import { LuaSandbox } from '../src/lua-state.js'
import { luaSnippets } from './lua-snippets.js'

// The cross-tenant clause of the kit must fail when isolation breaks: here it runs against
// the Lua engine with its reset (and the pool's partitioning) switched off on purpose.

const tests = conformanceTests(expect, { engine: () => luaEngine(), snippets: luaSnippets })
const clause = (id: string) => tests.get(id) ?? expect.unreachable(`no test ${id}`)
/** Runs a clause that must fail and returns its message (printed: it names what was observed). */
async function failure(id: string): Promise<string> {
  const e = await clause(id)().then(
    () => expect.unreachable(`${id} passed on a broken engine`),
    (x: Error) => x,
  )
  console.info(`${id}: ${e.message.split('\n')[0]}`)
  return e.message
}
afterEach(() => vi.restoreAllMocks())

/** Reset no longer restores library tables (nor the string metatable); validation approves. */
function breakReset(): void {
  vi.spyOn(LuaSandbox.prototype as unknown as { restoreLibrary(): void }, 'restoreLibrary').mockImplementation(() => {})
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
})
