import { conformanceTests } from '@polyhost/conformance'
import { StatePool } from '@polyhost/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { jsEngine } from '../src/index.js'
import { JsState } from '../src/js-state.js'
import { jsSnippets } from './js-snippets.js'

// The cross-tenant clause of the kit must fail when isolation breaks: here it runs against
// the JS engine with its reset (and the pool's partitioning) switched off on purpose.

const tests = conformanceTests(expect, { engine: () => jsEngine(), snippets: jsSnippets })
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
})
