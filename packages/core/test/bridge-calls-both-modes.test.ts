// Bridge calls as scripts make them, the same in both modes. A script may wait on many calls
// at once (Promise.all over a dozen lookups): each pending call listens on the execution's
// signal, which must not make Node print a MaxListenersExceededWarning on the host's stderr for
// every such execution. A bridge result the engine cannot hand to the script (too deep, a value
// it has no form for) is the execution's bridge failure: a script that lets it escape ends with
// the BridgeError naming the method, its ConversionError as cause; in worker mode the engine
// records that failure on the worker's side of the execution. Worker mode loads dist/.
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineBridge } from '../src/bridges.js'
import { BridgeError, ConversionError, ScriptRuntimeError } from '../src/errors.js'
import { createHost, type Host } from '../src/index.js'
import { blockingEngine } from './fixtures/blocking-engine.mjs'

const LIMITS = { instructions: false, memoryBytes: false, stackDepth: false, timeoutMs: 10_000 } as const
const CALLS = 40

let host: Host | undefined
const warnings: Error[] = []
const onWarning = (w: Error) => warnings.push(w)
afterEach(async () => {
  process.off('warning', onWarning)
  warnings.length = 0
  await host?.close()
  host = undefined
})

describe.each(['inline', 'worker'] as const)('many pending bridge calls (%s)', (isolation) => {
  it('settle without a listener warning, also when handlers listen on ctx.signal', async () => {
    process.on('warning', onWarning)
    host = await createHost({ engines: [blockingEngine()], isolation, workers: 1, limits: LIMITS })
    host.bridges.register(
      defineBridge({
        name: 'kv',
        methods: {
          get: {
            args: [],
            handler: async (ctx) => {
              ctx.signal.addEventListener('abort', () => {}, { once: true })
              await new Promise((resolve) => setTimeout(resolve, 20))
              return 'v'
            },
          },
        },
      }),
    )
    const r = await host.execute({
      language: 'blk',
      source: `return (await Promise.all(Array.from({ length: ${CALLS} }, () => api.call('kv.get')))).length`,
    })
    expect(r.value).toBe(CALLS)
    expect(r.stats.bridgeCalls).toBe(CALLS)
    // a warning is emitted on the next tick
    await new Promise((resolve) => setImmediate(resolve))
    expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning')
  })
})

async function start(isolation: 'inline' | 'worker'): Promise<Host> {
  const h = await createHost({ engines: [blockingEngine()], isolation, workers: 1, limits: LIMITS })
  h.bridges.register(defineBridge({ name: 'kv', methods: { get: { args: [z.string()], handler: () => 'v' } } }))
  return h
}

describe.each(['inline', 'worker'] as const)('a bridge result the engine refuses (%s)', (isolation) => {
  it('reaches the host as the BridgeError of the method, with its ConversionError', async () => {
    host = await start(isolation)
    const e = await host.execute({ language: 'blk', source: "api.callRefused('kv.get', 'k')" }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(BridgeError)
    expect((e as BridgeError).path).toBe('kv.get')
    expect((e as Error).message).toBe('kv.get: invalid return value: $: refused')
    expect((e as Error).cause).toBeInstanceOf(ConversionError)
    expect((e as BridgeError).line).toBe(1)
  })

  it('stays the script’s own error when the script caught it and threw another', async () => {
    host = await start(isolation)
    const source = "try { api.callRefused('kv.get', 'k') } catch (e) { throw new Error('mine') }"
    const e = await host.execute({ language: 'blk', source }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ScriptRuntimeError)
    expect((e as Error).message).toBe('mine')
  })
})

describe.each(['inline', 'worker'] as const)('a handler returning a revoked Proxy (%s)', (isolation) => {
  it('is an invalid return value that could not be read, as a throwing getter is', async () => {
    host = await createHost({ engines: [blockingEngine()], isolation, workers: 1, limits: LIMITS })
    const revoked = () => {
      const p = Proxy.revocable({}, {})
      p.revoke()
      return p.proxy
    }
    host.bridges.register(defineBridge({ name: 'b', methods: { x: { args: [], handler: revoked } } }))
    const e = await host.execute({ language: 'blk', source: "api.call('b.x')" }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(BridgeError)
    expect((e as BridgeError).path).toBe('b.x')
    expect((e as Error).message).toMatch(/^b\.x: invalid return value: \$: the host value could not be read: .*revoked/)
    expect((e as Error).cause).toBeInstanceOf(ConversionError)
  })
})
