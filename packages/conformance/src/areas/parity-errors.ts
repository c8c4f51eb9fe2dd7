import { BridgeError, ConversionError, defineBridge } from '@polyhost/core'
import { failsWith, rejection, test } from '../checks.js'
import { BridgeProbe } from '../fixtures.js'
import type { TestKit } from '../kit.js'
import type { ConformanceArea } from '../types.js'

/** The counters every engine reports in `host.stats().engines[id]`, inline and in workers. */
const ENGINE_COUNTERS = ['compiles', 'executions', 'discarded'] as const

async function uncaught(t: TestKit, source: string, path: string, text: string): Promise<BridgeError> {
  const host = await t.host()
  new BridgeProbe().on(host)
  const e = await failsWith(t, t.run(host, source), BridgeError)
  t.expect(e.path, e.message).toBe(path)
  // the failure's own words, with no engine's prefix (`Error: `, `case1.lua:1: `)
  t.expect(e.message).toBe(text)
  t.expect(e.line, 'the script position of the uncaught error').toBe(1)
  t.expect(e.scriptName, 'the script name').toMatch(/^case\d+/)
  return e
}

/**
 * One behaviour whichever the engine and isolation mode: a bridge failure the script lets
 * escape is a BridgeError with the failure's own message, naming the method, with the
 * handler's error as cause and the script's position; a result the script cannot receive is a bridge failure whose cause is a
 * ConversionError; and `host.stats()` reports each engine with the same counters.
 */
export const parityErrorsArea: ConformanceArea = {
  name: 'parity-errors',
  tests: [
    test(
      'parity.uncaught-handler-error',
      'a throwing handler the script does not catch is a BridgeError with the handler error as cause',
      async (t) => {
        const e = await uncaught(t, t.s.callBridge('kv.fail', ['nope-11']), 'kv.fail', 'nope-11')
        t.expect((e.cause as Error | undefined)?.message, 'cause: the handler’s own error').toBe('nope-11')
      },
    ),
    test('parity.uncaught-bad-arguments', 'bad arguments the script does not catch are a BridgeError naming the method', async (t) => {
      await uncaught(t, t.s.callBridge('kv.upper', [42]), 'kv.upper', 'kv.upper: argument 1: expected string, received number')
    }),
    test(
      'parity.uncaught-async-error',
      'a rejecting async handler the script does not catch is a BridgeError',
      async (t) => {
        const e = await uncaught(t, t.s.awaitBridge('kv.failLater', ['late-12']), 'kv.failLater', 'late-12')
        t.expect((e.cause as Error | undefined)?.message).toBe('late-12')
      },
      ['asyncBridges'],
    ),
    test(
      'parity.uncaught-bad-result',
      'a bridge result the script cannot receive is a BridgeError caused by a ConversionError',
      async (t) => {
        const host = await t.host()
        host.bridges.register(defineBridge({ name: 'odd', methods: { sym: { args: [], handler: () => Symbol('s') } } }))
        const e = await failsWith(t, t.run(host, t.s.callBridge('odd.sym', [])), BridgeError)
        t.expect(e.path).toBe('odd.sym')
        t.expect(e.message).toContain('odd.sym: invalid return value')
        t.expect(e.cause, String(e.cause)).toBeInstanceOf(ConversionError)
      },
    ),
    test(
      'parity.hostile-handler-values',
      'a handler whose result has a throwing `then` or traps, or that throws a Proxy, is a BridgeError naming the method',
      async (t) => {
        const host = await t.host()
        const trap = () => {
          throw new Error('trap')
        }
        host.bridges.register(
          defineBridge({
            name: 'odd',
            methods: {
              thenGetter: {
                args: [],
                handler: () => ({
                  // biome-ignore lint/suspicious/noThenProperty: the hostile result under test
                  get then(): unknown {
                    throw new Error('then getter')
                  },
                }),
              },
              proxyResult: { args: [], handler: () => new Proxy({}, { get: trap, getPrototypeOf: trap }) },
              throwsProxy: {
                args: [],
                handler: () => {
                  throw new Proxy({}, { get: trap, getPrototypeOf: trap })
                },
              },
            },
          }),
        )
        for (const method of ['thenGetter', 'proxyResult', 'throwsProxy']) {
          const e = await failsWith(t, t.run(host, t.s.callBridge(`odd.${method}`, [])), BridgeError)
          t.expect(e.path, e.message).toBe(`odd.${method}`)
        }
      },
    ),
    test('parity.uncaught-script-error', 'a script error that is not a bridge failure stays a ScriptRuntimeError', async (t) => {
      const host = await t.host()
      new BridgeProbe().on(host)
      const e = await failsWith(t, t.run(host, `${t.s.throwError('kv.fail failed')}`), Error)
      t.expect(e.name).toBe('ScriptRuntimeError')
    }),
    test('parity.stats-shape', 'host.stats() reports each engine with the same counters, counted per execution', async (t) => {
      const host = await t.host({ pool: { max: 1 } })
      for (const n of [1, 2, 3]) t.expect((await t.run(host, t.s.returnLiteral(n))).value).toBe(n)
      await rejection(t.run(host, t.s.throwError('x')))
      await t.settled(host)
      // workers report their counters with each result and a moment after: poll a while
      const read = () => host.stats().engines[t.engineId] as Record<string, unknown>
      for (const until = performance.now() + 5_000; read().executions !== 4 && performance.now() < until; ) {
        await new Promise((r) => setTimeout(r, 20))
      }
      const stats = read()
      for (const k of ENGINE_COUNTERS) t.expect(typeof stats[k], `engines.${t.engineId}.${k}`).toBe('number')
      t.expect(stats.executions, 'every execution counts, the failed one too').toBe(4)
      t.expect(stats.compiles, 'four scripts, four compiles').toBe(4)
      t.expect(typeof stats.pool).toBe('object')
    }),
  ],
}
