import { createHost, type Host, LimitExceededError } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jsEngine } from '../src/index.js'

// The parse probe (large or regexp-heavy sources are parsed off-thread first) is shared by
// every caller of the engine. One tenant's queue of slow-to-parse sources held another
// tenant's ordinary 17 KB script for 7.5-11.7 s although its timeoutMs was 1000: it waited
// for each of them in turn, and the wait counted against nothing.

const slow = (i: number) => `let ${Array.from({ length: 40_000 }, (_, j) => `v${j}`).join(', ')}; ${i}`
const ordinary = `const pad = ${JSON.stringify('x'.repeat(17_000))}; pad.length`

let host: Host
beforeAll(async () => {
  host = await createHost({ engines: [jsEngine()], limits: { timeoutMs: 3_000 }, pool: { min: 1, max: 4 } })
  // the probe thread is up (loading QuickJS there is no script's time)
  await host.execute({ language: 'js', source: `${'1;\n'.repeat(9000)}2` })
}, 30_000)
afterAll(() => host.close(), 30_000)

describe('the shared parse probe', () => {
  it("a wait behind another tenant's slow sources counts against the execution's own time limit", async () => {
    // each of A's sources parses for seconds (stopped at A's 3 s limit)
    const A = Array.from({ length: 4 }, (_, i) =>
      host.execute({ language: 'js', source: slow(i), tenant: 'A' }).then(
        () => 'ran',
        (e: unknown) => e,
      ),
    )
    await new Promise((r) => setTimeout(r, 50))
    const t0 = performance.now()
    const b = await host.execute({ language: 'js', source: ordinary, tenant: 'B', limits: { timeoutMs: 1_000 } }).then(
      (r) => r.value,
      (e: unknown) => e,
    )
    const ms = performance.now() - t0
    // B ran, or was refused at its own limit; before, it waited for A's probes (≥ 9 s here)
    if (b !== 17_000) expect(b).toMatchObject({ name: 'LimitExceededError', limit: 'timeout', max: 1_000 })
    // its compile ends within its 1 s limit, then it runs under its own (bounds for a loaded machine)
    expect(ms).toBeLessThan(3_000)
    for (const a of await Promise.all(A)) expect(a).toBeInstanceOf(LimitExceededError)
  }, 60_000)

  it('runs a queued source once a thread is free, and the probe is healthy after', async () => {
    const sources = Array.from({ length: 5 }, (_, i) => `${'1;\n'.repeat(9000)}${100 + i}`)
    const values = await Promise.all(sources.map((source) => host.execute({ language: 'js', source }).then((r) => r.value)))
    expect(values).toEqual([100, 101, 102, 103, 104])
  }, 30_000)
})
