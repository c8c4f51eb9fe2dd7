import { createHost, defineBridge, type ExecuteRequest, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
// the Lua engine as built (engine-js does not depend on it; its worker threads load dist/ too)
import { luaEngine } from '../../engine-lua/dist/index.js'
import { jsEngine } from '../src/index.js'

// The same bad host input (globals, context, a bridge's result) through both engines, inline
// and in worker threads: the same error class and text from each, or an answer the languages
// give differently on purpose (listed at the end). Worker threads load the built packages.

const ENGINES = ['lua', 'js'] as const
const ISOLATIONS = ['inline', 'worker'] as const
type Isolation = (typeof ISOLATIONS)[number]

/** `{ a: { a: … 1 } }`: `levels` objects, one inside the other. */
function nested(levels: number): unknown {
  let v: unknown = 1
  for (let i = 0; i < levels; i++) v = { a: v }
  return v
}
const path = (levels: number) => `$.g${'.a'.repeat(levels)}`

class Opaque {
  readonly a = 1
}
const throwing = () => ({
  get a(): number {
    throw new Error('nope')
  },
})
const cyclic = () => {
  const o: Record<string, unknown> = { x: 1 }
  o.self = o
  return o
}

/** How a run ended: `ok`, or the error's class and message. */
async function outcome(host: Host, language: string, request: Omit<ExecuteRequest, 'source'>): Promise<string> {
  try {
    await host.execute({ ...request, language, source: language === 'lua' ? 'return 1' : '1' })
    return 'ok'
  } catch (e) {
    return `${(e as Error).constructor.name}: ${(e as Error).message}`
  }
}

const conversion = (text: string) => `ConversionError: ${text}`
const unreadable = (at: string, why = 'nope') => conversion(`${at}: the host value could not be read: ${why}`)

/** Inputs both engines answer alike: [label, globals or context, the answer (per isolation when they differ)]. */
const SAME: [string, () => Omit<ExecuteRequest, 'source'>, string | Record<Isolation, string>][] = [
  ['globals nested 64 levels', () => ({ globals: { g: nested(64) } }), 'ok'],
  ['globals nested 65 levels', () => ({ globals: { g: nested(65) } }), conversion(`${path(64)}: nesting deeper than 64`)],
  ['context nested 64 levels, itself included', () => ({ context: { g: nested(63) } }), 'ok'],
  ['context nested 65 levels, itself included', () => ({ context: { g: nested(64) } }), conversion(`${path(63)}: nesting deeper than 64`)],
  ['a Map with a number key', () => ({ globals: { g: new Map([[1, 1]]) } }), conversion('$.g["1"]: Map keys must be strings')],
  ['a Map with a number key in context', () => ({ context: { g: new Map([[1, 1]]) } }), conversion('$.g["1"]: Map keys must be strings')],
  [
    'a class instance',
    () => ({ globals: { g: new Opaque() } }),
    conversion('$.g: cannot convert instance of Opaque (register a custom type for it)'),
  ],
  ['a symbol', () => ({ globals: { g: Symbol('s') } }), conversion('$.g: cannot convert symbol')],
  ['a cycle', () => ({ globals: { g: cyclic() } }), conversion('$.g.self: cycle detected')],
  ['a cycle in context', () => ({ context: { g: cyclic() } }), conversion('$.g.self: cycle detected')],
  [
    'a Set in context',
    () => ({ context: { g: new Set([1]) } }),
    conversion('$.g: cannot convert instance of Set (register a custom type for it)'),
  ],
  ['NaN, ±Infinity and -0', () => ({ globals: { g: [Number.NaN, Number.POSITIVE_INFINITY, -0] } }), 'ok'],
  ['NaN, ±Infinity and -0 in context', () => ({ context: { g: [Number.NaN, Number.NEGATIVE_INFINITY, -0] } }), 'ok'],
  ['bytes in context', () => ({ context: { g: new Uint8Array([1, 2]) } }), 'ok'],
  ['an ArrayBuffer in context', () => ({ context: { g: new ArrayBuffer(2) } }), 'ok'],
  [
    'a host function',
    () => ({ globals: { g: () => 1 } }),
    {
      inline: 'ok',
      worker: conversion("$.g: a host function cannot cross to a worker thread (isolation 'worker'): register a bridge"),
    },
  ],
  [
    'a function in context',
    () => ({ context: { g: () => 1 } }),
    'InvalidArgumentError: execute: context must be plain data (no functions or class instances)',
  ],
  // each engine names the object it was reading; a worker's host, which checks globals before
  // either engine sees them (core's checkCrossable), names the same one
  ['a getter that throws', () => ({ globals: { g: throwing() } }), unreadable('$.g')],
  ['a getter that throws, nested', () => ({ globals: { g: { x: [1, throwing()] } } }), unreadable('$.g.x[1]')],
  [
    'a trap that throws',
    () => ({
      globals: {
        g: {
          x: new Proxy(
            {},
            {
              ownKeys: () => {
                throw new Error('trap')
              },
            },
          ),
        },
      },
    }),
    unreadable('$.g.x', 'trap'),
  ],
  ['a getter of context that throws', () => ({ context: throwing() }), 'InvalidArgumentError: execute: context could not be read (nope)'],
]

/** A bridge's results: [method, result, the answer]. */
const RESULTS: [string, () => unknown, string | Record<Isolation, string>][] = [
  ['deep64', () => nested(64), 'ok'],
  ['deep65', () => nested(65), `BridgeError: b.deep65: invalid return value: $${'.a'.repeat(64)}: nesting deeper than 64`],
  ['mapKey', () => new Map([[1, 1]]), 'BridgeError: b.mapKey: invalid return value: $["1"]: Map keys must be strings'],
  ['cycle', cyclic, 'BridgeError: b.cycle: invalid return value: $.self: cycle detected'],
  [
    'fn',
    () => ({ f: () => 1 }),
    'BridgeError: b.fn: invalid return value: $.f: a host function cannot be returned to a script (results are data only)',
  ],
]

for (const isolation of ISOLATIONS) {
  describe(`bad host input gives the same answer in Lua and JS (${isolation})`, () => {
    let host: Host
    beforeAll(async () => {
      host = await createHost({ engines: [luaEngine(), jsEngine()], ...(isolation === 'worker' ? { isolation, workers: 1 } : {}) })
      const methods = Object.fromEntries(RESULTS.map(([name, result]) => [name, { args: [], handler: result }]))
      host.bridges.register(defineBridge({ name: 'b', methods }))
    })
    afterAll(() => host.close())

    it.each(SAME)('%s', async (_label, request, answer) => {
      const expected = typeof answer === 'string' ? answer : answer[isolation]
      for (const engine of ENGINES) expect(`${engine}: ${await outcome(host, engine, request())}`).toBe(`${engine}: ${expected}`)
    })

    it.each(RESULTS)('a bridge result: %s', async (name, _result, answer) => {
      const expected = typeof answer === 'string' ? answer : answer[isolation]
      const sources = { lua: `local v = b.${name}() return 1`, js: `b.${name}(); 1` }
      for (const engine of ENGINES) {
        const got = await host.execute({ language: engine, source: sources[engine] }).then(
          () => 'ok',
          (e: Error) => `${e.constructor.name}: ${e.message}`,
        )
        expect(`${engine}: ${got}`).toBe(`${engine}: ${expected}`)
      }
    })

    // the languages' own value models: Lua integers are exact doubles and its strings UTF-8
    it('differs on purpose: a bigint past 2^53 and a lone surrogate cross to JS only', async () => {
      for (const [g, lua] of [
        [10n ** 30n, '$.g: bigint outside the Lua integer range ±(2^53 − 1)'],
        ['\ud800', '$.g: a string with an unpaired surrogate has no UTF-8 form for Lua'],
      ] as const) {
        expect(await outcome(host, 'lua', { globals: { g } })).toBe(conversion(lua))
        expect(await outcome(host, 'js', { globals: { g } })).toBe('ok')
      }
    })
  })
}
