import { afterEach, describe, expect, it } from 'vitest'
import { createHost, defineBridge, type Host, InterruptedError, LimitExceededError } from '../../src/index.js'
import { blockingEngine } from '../fixtures/blocking-engine.mjs'

// A worker that runs out of V8 heap because of some of the executions it holds: the memory
// limit is charged to those its accounting shows at fault, never to a small bystander that
// only awaited a bridge. Time bounds are generous; the heap is small so the worker dies fast.

let host: Host | undefined
let released = false
const waiting: (() => void)[] = []
/** Lets every pending and later `w.wait` call return. */
function release(): void {
  released = true
  for (const r of waiting.splice(0)) r()
}

afterEach(async () => {
  release()
  await host?.close()
  host = undefined
})

async function start(heapMb: number): Promise<Host> {
  host = await createHost({
    engines: [blockingEngine()],
    isolation: 'worker',
    workers: 1,
    limits: { instructions: false, memoryBytes: false, stackDepth: false, timeoutMs: 60_000 },
    worker: { resourceLimits: { maxOldGenerationSizeMb: heapMb } },
  })
  // a bridge call that stays pending while the worker fills up, until the test releases it
  released = false
  const wait = () => (released ? undefined : new Promise<void>((r) => waiting.push(r)))
  host.bridges.register(defineBridge({ name: 'w', methods: { wait: { args: [], handler: wait } } }))
  return host
}

const settle = (p: Promise<unknown>) =>
  p.then(
    (r) => ({ ok: true as const, value: (r as { value: unknown }).value }),
    (e: unknown) => ({ ok: false as const, error: e }),
  )

describe('isolation: worker, a heap overrun among several executions', () => {
  it('charges the memory limit to the executions holding the heap; a bystander is retryable', async () => {
    const h = await start(96)
    const run = (source: string, tenant: string) => settle(h.execute({ language: 'blk', source, tenant }))
    // the victim: a few bytes, awaiting a bridge (it cannot be rerun, so it must be retryable)
    const victim = run("await api.call('w.wait'); return 'victim'", 'victim')
    await new Promise((r) => setTimeout(r, 100))
    // a bystander that made no bridge call: it runs again on the next worker
    const pure = run("await new Promise((r) => setTimeout(r, 5_000)); return 'pure'", 'victim')
    // each offender holds 40 MiB (the fixture engine has no memory limit to enforce), together they pass the worker's 96 MiB
    const offenders = Array.from({ length: 3 }, () =>
      run("const keep = api.hold(40); await api.call('w.wait'); return keep.length", 'evil'),
    )
    const v = await victim
    release()
    const evil = await Promise.all(offenders)
    if (!v.ok) {
      expect(v.error).not.toBeInstanceOf(LimitExceededError)
      expect(v.error).toBeInstanceOf(InterruptedError)
      expect(v.error).toMatchObject({ code: 'E_INTERRUPTED', retryable: true })
    }
    expect(await pure).toEqual({ ok: true, value: 'pure' })
    const charged = evil.filter((r) => !r.ok && r.error instanceof LimitExceededError)
    expect(charged.length).toBeGreaterThan(0)
    for (const r of charged) expect(r).toMatchObject({ error: { limit: 'memory' } })
    expect(h.stats().engines.blk?.workerRestarts).toBeGreaterThan(0)
  }, 60_000)
})
