import { conformanceFailure } from '@polyhost/conformance'
import { StatePool } from '@polyhost/core/engine'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { jsEngine } from '../src/index.js'
import { JsState } from '../src/js-state.js'
import { jsSnippets } from './js-snippets.js'

// The cross-tenant clause of the kit must fail when isolation breaks: here it runs against
// the JS engine with its reset, the pool's partitioning or its random seeding broken on purpose.

const options = { engine: () => jsEngine(), snippets: jsSnippets }
const failure = (id: string) => conformanceFailure(expect, options, id)
/** Switched on by a test: every execution's generator then starts from the same seed. */
const sameSeed = vi.hoisted(() => ({ on: false }))
vi.mock('../src/entropy.js', async (original) => {
  const real = await original<typeof import('../src/entropy.js')>()
  return { entropy53: () => (sameSeed.on ? 0 : real.entropy53()) }
})
afterEach(() => {
  vi.restoreAllMocks()
  sameSeed.on = false
})

/** Reset keeps the last execution's globals, prototypes and pending jobs; validation approves. */
function breakReset(): void {
  vi.spyOn(JsState.prototype, 'reset').mockImplementation(() => {})
  vi.spyOn(JsState.prototype, 'validate').mockReturnValue(true)
}

describe('the tenants clause fails when isolation breaks (JS)', () => {
  it('on a shared state whose reset does nothing', async () => {
    breakReset()
    expect(await failure('tenants.alternating-shared')).toMatch(/leaked "alpha-0-/)
  }, 120_000)

  it('with default options, when the pool also hands one tenant’s state to the other', async () => {
    breakReset()
    vi.spyOn(StatePool.prototype as unknown as { partitionOf(): undefined }, 'partitionOf').mockReturnValue(undefined)
    expect(await failure('tenants.alternating')).toMatch(/leaked "alpha-0-/)
  }, 120_000)

  it('when every execution’s generator starts from the same seed', async () => {
    sameSeed.on = true
    expect(await failure('tenants.alternating-shared')).toMatch(/was seen before/)
  }, 120_000)
})
