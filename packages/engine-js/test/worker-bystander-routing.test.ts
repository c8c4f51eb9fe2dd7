import { createHost, defineBridge, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jsEngine } from '../src/index.js'

// Tenant bystanders in worker isolation (two workers): where a tiny execution goes when both
// workers are busy. Workers load the built packages (dist/): `pnpm run build` first.
// Nothing here is timed: the assertions are about which execution is answered first.

let host: Host
let releaseGate: () => void = () => {}
beforeAll(async () => {
  host = await createHost({
    engines: [jsEngine()],
    isolation: 'worker',
    workers: 2,
    limits: { timeoutMs: 6_000, instructions: false },
  })
  host.bridges.register(
    defineBridge({
      name: 'gate',
      methods: { wait: { args: [], handler: () => new Promise<string>((r) => (releaseGate = () => r('open'))) } },
    }),
  )
  // both workers up, with a state for each tenant
  await Promise.all([0, 1].map(() => host.execute({ language: 'js', source: '1', tenant: 'B' })))
})
afterAll(() => host.close())

const settled = (p: Promise<unknown>, order: string[], name: string) =>
  p.then(
    () => order.push(name),
    () => order.push(name),
  )
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('js worker routing of bystanders', () => {
  it('a tiny execution does not queue behind a runaway when the other worker runs a young job of the same count', async () => {
    const order: string[] = []
    // tenant A holds one worker's thread until its 6 s limit
    const a = settled(host.execute({ language: 'js', source: 'for (;;) {}', tenant: 'A' }), order, 'A')
    await pause(500)
    // tenant B: one short job (on the other worker), then a tiny one while each worker runs one
    const b1 = settled(
      host.execute({ language: 'js', source: 'const t = Date.now(); while (Date.now() - t < 300) {}; 1', tenant: 'B' }),
      order,
      'B1',
    )
    await pause(50)
    const b2 = settled(host.execute({ language: 'js', source: '7', tenant: 'B' }), order, 'B2')
    await Promise.all([a, b1, b2])
    // before: the tie went to the first worker, A's, and B2 waited out A's whole limit
    expect(order.indexOf('B2')).toBeLessThan(order.indexOf('A'))
  }, 30_000)

  it('an older execution that awaits a bridge handler does not hold its worker for the routing', async () => {
    const order: string[] = []
    // tenant B waits on the host (its worker's thread is free), then tenant A's runaway, sent later
    const b1 = settled(host.execute({ language: 'js', source: 'await gate.wait()', tenant: 'B' }), order, 'B1')
    await pause(500)
    const a = settled(host.execute({ language: 'js', source: 'for (;;) {}', tenant: 'A' }), order, 'A')
    await pause(500)
    const b2 = settled(host.execute({ language: 'js', source: '7', tenant: 'B' }), order, 'B2')
    await b2
    releaseGate()
    await Promise.all([a, b1, b2])
    // before: B2 went to the worker whose oldest job was younger, A's, and waited out A's limit
    expect(order.indexOf('B2')).toBeLessThan(order.indexOf('A'))
  }, 30_000)
})
