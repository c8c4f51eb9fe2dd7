// A request's `caller`: the object its bridge handlers see as `ctx.caller`, as passed (not a
// copy, also in worker mode, where it never crosses to the thread), and told of each bridge
// call that fails into the script before the execution settles, even when the script catches
// the failure. What lets a caller (a job queue) hand its handlers per-execution state without
// an AsyncLocalStorage. Worker mode loads dist/.
import { afterEach, describe, expect, it } from 'vitest'
import { defineBridge } from '../src/bridges.js'
import { BridgeError, InvalidArgumentError } from '../src/errors.js'
import { createHost, type ExecutionCaller, type Host } from '../src/index.js'
import { blockingEngine } from './fixtures/blocking-engine.mjs'

const LIMITS = { instructions: false, memoryBytes: false, stackDepth: false, timeoutMs: 10_000 } as const

let host: Host | undefined
afterEach(async () => {
  await host?.close()
  host = undefined
})

class Upstream extends Error {}

async function start(isolation: 'inline' | 'worker'): Promise<Host> {
  const h = await createHost({ engines: [blockingEngine()], isolation, workers: 1, limits: LIMITS })
  h.bridges.register(
    defineBridge({
      name: 'b',
      methods: {
        whose: { args: [], handler: (ctx) => (ctx.caller as { name?: string } | undefined)?.name ?? 'nobody' },
        same: { args: [], handler: (ctx) => ctx.caller === seen.expected },
        fails: {
          args: [],
          handler: () => {
            throw new Upstream('upstream 503')
          },
        },
        rejects: {
          args: [],
          handler: async () => {
            await new Promise((r) => setTimeout(r, 5))
            throw new Upstream('upstream timeout')
          },
        },
      },
    }),
  )
  return h
}
const seen: { expected: unknown } = { expected: undefined }

describe.each(['inline', 'worker'] as const)('ExecuteRequest.caller (%s)', (isolation) => {
  it("is each handler's ctx.caller, the object itself; undefined without one", async () => {
    host = await start(isolation)
    const caller = { name: 'job 7', state: new Map() }
    seen.expected = caller
    const source = "return [await api.call('b.whose'), await api.call('b.same')]"
    expect((await host.execute({ language: 'blk', source, caller })).value).toEqual(['job 7', true])
    expect((await host.execute({ language: 'blk', source })).value).toEqual(['nobody', false])
    // concurrent executions each see their own
    const names = await Promise.all(
      ['a', 'b', 'c'].map((name) => host!.execute({ language: 'blk', source: "return api.call('b.whose')", caller: { name } })),
    )
    expect(names.map((r) => r.value)).toEqual(['a', 'b', 'c'])
  })

  it('is told of each bridge failure (thrown or rejected), also one the script catches, before execute settles', async () => {
    host = await start(isolation)
    const told: { path: string; error: unknown }[] = []
    const caller: ExecutionCaller = { onBridgeFailure: (path, error) => told.push({ path, error }) }
    const source = `
      let n = 0
      try { await api.call('b.fails') } catch { n++ }
      try { await api.call('b.rejects') } catch { n++ }
      try { await api.call('b.whose', 'extra') } catch { n++ }
      return n`
    expect((await host.execute({ language: 'blk', source, caller })).value).toBe(3)
    expect(told.map((t) => t.path)).toEqual(['b.fails', 'b.rejects', 'b.whose'])
    expect(told.every((t) => t.error instanceof BridgeError)).toBe(true)
    expect((told[0]!.error as BridgeError).cause).toBeInstanceOf(Upstream)
    expect((told[1]!.error as BridgeError).cause).toBeInstanceOf(Upstream)
  })

  it('a hook that throws changes nothing the script gets', async () => {
    host = await start(isolation)
    const caller: ExecutionCaller = {
      onBridgeFailure: () => {
        throw new Error('hook broke')
      },
    }
    const source = "try { await api.call('b.fails') } catch (e) { return e.message }"
    expect((await host.execute({ language: 'blk', source, caller })).value).toBe('upstream 503')
  })
})

it('a caller that is no object is refused naming the field', async () => {
  host = await start('inline')
  for (const caller of [5, 'x', null]) {
    const e = await host.execute({ language: 'blk', source: 'return 1', caller: caller as never }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(InvalidArgumentError)
    expect((e as Error).message).toMatch(/^execute: caller: expected an object/)
  }
})
