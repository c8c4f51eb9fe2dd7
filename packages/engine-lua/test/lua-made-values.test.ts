import { createHost, defineBridge, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { luaEngine } from '../src/index.js'
import { Dice, type Mode } from './fuzz-program.js'
import { expectedValue, factsProgram, nativeFacts, Refused, tableProgram } from './fuzz-lua-made.js'
import { hasNative } from './native-lua.js'

// Random Lua-made tables (constructors with holes, nil assignments, float, negative, zero and
// 2^53 keys, number-like string keys, shared and self-referencing subtables, both number
// subtypes, strings with bytes ≥ 0x80 and NULs, functions and coroutines) leave a script as its
// result and as a bridge argument, inline and in a worker. The expected host value is the
// README's mapping ("Values") applied to what native lua5.3 / lua5.1 report of the same
// program's result: math.type, the keys pairs sees, the string bytes.

// the canonical form shared with engine-js's value tests (loaded by path: outside this package's TypeScript root)
const SHARED = '../../engine-js/test/'
const { canon } = (await import(/* @vite-ignore */ `${SHARED}value-model.ts`)) as { canon: (x: unknown) => unknown }

const COUNT = Number(process.env.POLYHOST_FUZZ_COUNT ?? 120)
const SEEDS = process.env.POLYHOST_FUZZ_SEED ? process.env.POLYHOST_FUZZ_SEED.split(',').map(Number) : [1, 2]
const MAX_DEPTH = 64
const MODES: [Mode, string][] = [
  ['lua53', 'lua5.3'],
  ['lua51', 'lua5.1'],
]

/** canon with object keys sorted: a Lua table has no key order. */
const sorted = (c: unknown): unknown =>
  Array.isArray(c)
    ? c[0] === 'object'
      ? ['object', (c[1] as [string, unknown][]).map(([k, y]): [string, unknown] => [k, sorted(y)]).sort((a, b) => (a[0] < b[0] ? -1 : 1))]
      : c.map(sorted)
    : c
const shown = (x: unknown) => JSON.stringify(sorted(canon(x)))

/** The README's mapping of a facts line, shown: a value, 'refused' (ConversionError) or 'raised' (the program raised). */
function mapped(line: string): string {
  if (line === 'ERR') return 'raised'
  try {
    return shown(expectedValue(line, MAX_DEPTH))
  } catch (e) {
    if (!(e instanceof Refused)) throw e
    return 'refused'
  }
}

let received: unknown
const hosts = new Map<string, Host>()
beforeAll(async () => {
  for (const [mode] of MODES) {
    for (const isolation of ['inline', 'worker'] as const) {
      const host = await createHost({
        engines: [luaEngine({ numbers: mode })],
        limits: { timeoutMs: 20_000 },
        ...(isolation === 'worker' ? { isolation, workers: 1 } : {}),
      })
      host.bridges.register(
        defineBridge({
          name: 'sink',
          methods: {
            put: {
              args: [z.unknown()],
              handler: (_ctx, v) => {
                received = v
              },
            },
          },
        }),
      )
      hosts.set(`${mode} ${isolation}`, host)
    }
  }
}, 120_000)
afterAll(async () => {
  for (const h of hosts.values()) await h.close()
})

describe.each(MODES)('Lua-made tables leaving a script (%s)', (mode, binary) => {
  for (const seed of SEEDS) {
    it.skipIf(!hasNative(binary))(
      `seed ${seed}: ${COUNT} programs, as results and bridge arguments, inline and in a worker`,
      async () => {
        const dice = new Dice(seed)
        const bodies = Array.from({ length: COUNT }, () => tableProgram(dice))
        const facts = nativeFacts(binary, bodies)
        const failures: unknown[] = []
        const semantic: { i: number; body: string; want: string; own: string }[] = []
        let tried = 0
        for (const [i, body] of bodies.entries()) {
          const want = mapped(facts[i] as string)
          // the engine's own Lua view of the same result: where it differs from native's, the
          // difference is Lua's, not the conversion's (README "Exact vs approximate": after a
          // key was set to nil, `#t` can differ from C Lua's), and the conversion is judged by it
          const own = mapped(
            String((await (hosts.get(`${mode} inline`) as Host).execute({ language: 'lua', source: factsProgram(body) })).value),
          )
          if (own !== want) semantic.push({ i, body, want: want.slice(0, 300), own: own.slice(0, 300) })
          for (const isolation of ['inline', 'worker']) {
            const host = hosts.get(`${mode} ${isolation}`) as Host
            const result = await host.execute({ language: 'lua', source: `return (function()\n${body}\nend)()` }).then(
              (r) => shown(r.value),
              (e: Error) =>
                e.name === 'ConversionError'
                  ? 'refused'
                  : e.name === 'ScriptRuntimeError' && !/ConversionError/.test(e.message)
                    ? 'raised'
                    : `threw ${e.name}: ${e.message.slice(0, 200)}`,
            )
            received = undefined
            const passed = await host.execute({ language: 'lua', source: `sink.put((function()\n${body}\nend)())` }).then(
              () => shown(received),
              // a bridge argument the converter refuses is the call's BridgeError naming the argument
              (e: Error) =>
                e.name === 'BridgeError' && e.message.startsWith('sink.put: argument 1: ')
                  ? 'refused'
                  : e.name === 'ScriptRuntimeError'
                    ? 'raised'
                    : `threw ${e.name}: ${e.message.slice(0, 200)}`,
            )
            tried++
            if (result !== own || passed !== own)
              failures.push({
                i,
                isolation,
                body,
                native: (facts[i] as string).slice(0, 300),
                want: own.slice(0, 300),
                result: result.slice(0, 300),
                passed: passed.slice(0, 300),
              })
          }
        }
        expect(tried).toBeGreaterThan(COUNT)
        // Lua-level differences: the documented border gap (a program that set a key to nil and
        // then used `#`) and weak tables, which the engine keeps strong (`__mode` after
        // `collectgarbage()`: native drops the entries, README "Exact vs approximate")
        const weak = semantic.filter((x) => x.body.includes('__mode'))
        const border = semantic.filter((x) => !weak.includes(x) && /= nil/.test(x.body) && /#T/.test(x.body))
        expect(semantic.filter((x) => !weak.includes(x) && !border.includes(x)).slice(0, 3)).toEqual([])
        if (semantic.length)
          console.log(
            `${mode} seed ${seed}: of ${COUNT} programs ${border.length} differ in Lua by a border, ${weak.length} by a weak table`,
          )
        expect(failures.slice(0, 3)).toEqual([])
      },
      300_000,
    )
  }
})
