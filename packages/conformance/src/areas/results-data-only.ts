import { BridgeError, defineBridge, type Host } from '@polyhost/core'
import { formatValuePath, RESULT_FUNCTION_REFUSED } from '@polyhost/core/engine'
import { z } from 'zod'
import { failsWith, test } from '../checks.js'
import type { TestKit } from '../kit.js'
import type { ConformanceArea } from '../types.js'

/**
 * What a bridge handler (or a host function) returns reaches the script as data only: a
 * function anywhere in it would be a callable host object in the script (a handler walking
 * a config path to `constructor.constructor` hands out Node's `Function`). Every engine, in
 * every isolation mode, refuses it with one BridgeError text naming the method and the path.
 */
export const resultsDataOnlyArea: ConformanceArea = {
  name: 'results-data-only',
  tests: [
    test('results-data-only.sync', 'a sync handler returning a function anywhere in its result fails with a BridgeError', async (t) => {
      const host = await withResults(t, (value) => () => value)
      for (const c of CASES) await refused(t, host, t.s.callBridge(`res.${c.name}`, []), `res.${c.name}`, c.where)
      // the finding this area comes from: a config walk reaching Function and Boolean
      await refused(t, host, t.s.callBridge('res.config', ['constructor.constructor']), 'res.config', [])
      await refused(t, host, t.s.callBridge('res.config', ['feature.on.constructor']), 'res.config', [])
      t.expect((await t.run(host, t.s.callBridge('res.config', ['db.host']))).value, 'data still crosses').toBe('x')
      const caught = (await t.run(host, t.s.catchBridge('res.nested', [], false))).value
      t.expect(caught, 'the script catches the refusal as an error message').toContain(RESULT_FUNCTION_REFUSED)
    }),
    test(
      'results-data-only.async',
      'an async handler resolving to a function anywhere in its result fails with a BridgeError',
      async (t) => {
        const host = await withResults(t, (value) => async () => value)
        for (const c of CASES) await refused(t, host, t.s.awaitBridge(`res.${c.name}`, []), `res.${c.name}`, c.where)
        t.expect((await t.run(host, t.s.awaitBridge('res.config', ['db.host']))).value, 'data still crosses').toBe('x')
      },
      ['asyncBridges'],
    ),
    test(
      'results-data-only.host-function',
      'a host function handed in globals still works, but what it returns is data only',
      async (t) => {
        const globals = { data: () => ({ n: 1 }), maker: () => ({ inner: () => 1 }) }
        t.expect(await t.value(t.s.callGlobal('data', []), { globals })).toEqual({ n: 1 })
        const e = await failsWith(t, t.value(t.s.callGlobal('maker', []), { globals }), BridgeError)
        t.expect(e.message).toBe(`maker: invalid return value: ${formatValuePath(['inner'])}: ${RESULT_FUNCTION_REFUSED}`)
        t.expect(e.path).toBe('maker')
      },
    ),
  ],
}

// --- internal ---

/** Results holding a function, where it is (path from the result's root). */
const CASES: readonly { name: string; where: (string | number)[]; value: () => unknown }[] = [
  { name: 'arrow', where: [], value: () => () => 1 },
  { name: 'klass', where: [], value: () => class Hidden {} },
  { name: 'bound', where: [], value: () => function f() {}.bind(null) },
  { name: 'nested', where: ['a', 'b', 1], value: () => ({ a: { b: [1, () => 1] } }) },
  { name: 'inMap', where: ['m', 'k'], value: () => ({ m: new Map([['k', () => 1]]) }) },
  {
    name: 'getter',
    where: ['x'],
    value: () => ({
      get x() {
        return Function
      },
    }),
  },
  {
    name: 'proxy',
    where: ['x'],
    value: () =>
      new Proxy({} as Record<string, unknown>, {
        ownKeys: () => ['x'],
        getOwnPropertyDescriptor: () => ({ value: Function, enumerable: true, configurable: true, writable: true }),
        get: (_t, k) => (k === 'x' ? Function : undefined),
      }),
  },
  { name: 'functionProxy', where: [], value: () => new Proxy(() => 1, {}) },
]

const CONFIG = { db: { host: 'x' }, feature: { on: true } }

/**
 * A host with bridge `res`: one method per case (its result made by `wrap`: sync or async)
 * and `config.get`-like `res.config(path)`, which walks CONFIG by a dotted path.
 */
async function withResults(t: TestKit, wrap: (value: unknown) => () => unknown): Promise<Host> {
  const host = await t.host()
  const methods: Record<string, { args: z.ZodType[]; handler: (...a: never[]) => unknown }> = {}
  for (const c of CASES) methods[c.name] = { args: [], handler: () => wrap(c.value())() }
  methods.config = {
    args: [z.string()],
    handler: (_ctx: unknown, path: string) =>
      wrap(path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], CONFIG))(),
  }
  host.bridges.register(defineBridge({ name: 'res', methods } as never))
  return host
}

/** The script fails with the one BridgeError text: method, path of the function, reason. */
async function refused(t: TestKit, host: Host, source: string, path: string, where: (string | number)[]): Promise<void> {
  const e = await failsWith(t, t.run(host, source), BridgeError)
  t.expect(e.message).toBe(`${path}: invalid return value: ${formatValuePath(where)}: ${RESULT_FUNCTION_REFUSED}`)
  t.expect((e as BridgeError).path).toBe(path)
}
