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
      'results-data-only.read-once',
      'a result is read once: what a getter or Proxy answered first is what the script gets, and no toJSON runs',
      async (t) => {
        const host = await t.host({ maxDepth: 8 })
        const reads = { n: 0 }
        const methods: Record<string, { args: z.ZodType[]; handler: () => unknown }> = {}
        for (const [name, make] of Object.entries(READ_ONCE)) methods[name] = { args: [], handler: () => make(reads) }
        host.bridges.register(defineBridge({ name: 'once', methods } as never))
        for (const name of Object.keys(READ_ONCE)) {
          reads.n = 0
          const value = (await t.run(host, t.s.callBridge(`once.${name}`, []))).value
          t.expect(value, name).toEqual(name === 'toJsonArray' ? [1, 2] : { x: 1 })
          if (name !== 'toJsonObject' && name !== 'toJsonArray') t.expect(reads.n, `${name}: reads`).toBe(1)
        }
      },
    ),
    test(
      'results-data-only.date-own-properties',
      'a Date crosses as its time value: its own properties (a function too) are not part of it',
      async (t) => {
        const host = await t.host()
        const date = () => Object.assign(new Date(0), { f() {}, x: 1 })
        const plain = () => new Date(0)
        host.bridges.register(
          defineBridge({
            name: 'when',
            methods: {
              date: { args: [], handler: date },
              plain: { args: [], handler: plain },
              nested: { args: [], handler: () => ({ d: date() }) },
              nestedPlain: { args: [], handler: () => ({ d: plain() }) },
            },
          }),
        )
        const run = async (m: string) => (await t.run(host, t.s.callBridge(`when.${m}`, []))).value
        t.expect(await run('date'), 'a Date with own properties crosses as a plain one').toEqual(await run('plain'))
        t.expect(await run('nested'), 'inside a result too').toEqual(await run('nestedPlain'))
      },
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

/**
 * Results whose second read differs from the first (a function, or an array deeper than the
 * host's maxDepth 8) or that carry a non-enumerable `toJSON`: each crosses as `{ x: 1 }`
 * (the array as `[1, 2]`), its getter or trap read once (`reads.n`).
 */
const READ_ONCE: Readonly<Record<string, (reads: { n: number }) => unknown>> = {
  getterFunction: (reads) => ({
    get x() {
      return reads.n++ ? () => 1 : 1
    },
  }),
  getterDeeper: (reads) => ({
    get x() {
      return reads.n++ ? deepArray(20) : 1
    },
  }),
  proxyFunction: (reads) =>
    new Proxy({ x: 1 } as Record<string, unknown>, {
      get: (target, k) => (k === 'x' ? (reads.n++ ? Function : 1) : target[k as string]),
    }),
  toJsonObject: () => Object.defineProperty({ x: 1 }, 'toJSON', { value: () => ({ y: () => 1 }) }),
  toJsonArray: () => Object.defineProperty([1, 2], 'toJSON', { value: () => 'not the array' }),
}

function deepArray(depth: number): unknown[] {
  let a: unknown[] = []
  for (let i = 0; i < depth; i++) a = [a]
  return a
}

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
