import { createHost, defineBridge, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { jsEngine } from '../src/index.js'
import { randomSources } from './random-sources.js'
import { randomValues } from './random-values.js'
import { canon, cloneModel, modelRoundTrip, Refused } from './value-model.js'

const COUNT = Number(process.env.POLYHOST_FUZZ_COUNT ?? 60)
const SEEDS = process.env.POLYHOST_FUZZ_SEED ? process.env.POLYHOST_FUZZ_SEED.split(',').map(Number) : [1, 2]
const MAX_DEPTH = 64

type Outcome = { value: unknown } | { error: string }

function expected(x: unknown, at: string, guestMade = false): Outcome {
  try {
    const v = modelRoundTrip(x, MAX_DEPTH, at, guestMade)
    return { value: canon(v) }
  } catch (e) {
    if (e instanceof Refused) return { error: e.path }
    throw e
  }
}

const got = async (run: () => Promise<unknown>): Promise<Outcome> => {
  try {
    return { value: canon(await run()) }
  } catch (e) {
    const err = e as { name?: string; path?: string; message?: string }
    if (err.name === 'ConversionError') return { error: err.path ?? '?' }
    const m = /: (\$[^:]*): /.exec(err.message ?? '')
    if (err.name === 'BridgeError' && m) return { error: m[1] as string }
    return { value: ['threw', err.name, err.message?.slice(0, 300)] }
  }
}

const hosts: Record<string, Host> = {}
let received: unknown[] = []
let reply: unknown

beforeAll(async () => {
  for (const isolation of ['inline', 'worker'] as const) {
    const host = await createHost({
      engines: [jsEngine()],
      limits: { timeoutMs: 20_000, memoryBytes: 256 << 20 },
      ...(isolation === 'worker' ? { isolation, workers: 1 } : {}),
    })
    host.bridges.register(
      defineBridge({
        name: 'b',
        methods: {
          get: { args: [], returns: z.any(), handler: () => reply },
          put: { args: [z.any()], handler: (_ctx, v) => void received.push(v) },
        },
      }),
    )
    hosts[isolation] = host
  }
}, 60_000)
afterAll(async () => {
  for (const h of Object.values(hosts)) await h.close()
})

const CHECKS: Record<string, (host: Host, x: unknown) => Promise<unknown>> = {
  'globals → result': async (host, x) => (await host.execute({ language: 'js', source: 'x', globals: { x } })).value,
  'bridge result → result': async (host, x) => {
    reply = x
    return (await host.execute({ language: 'js', source: 'await b.get()' })).value
  },
  'globals → bridge argument': async (host, x) => {
    received = []
    await host.execute({ language: 'js', source: 'await b.put(x); 0', globals: { x } })
    return received[0]
  },
}

describe.each(['inline', 'worker'])('random host values cross and come back as the value model says (%s)', (isolation) => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: ${COUNT} values`, async () => {
      const next = randomValues(seed, { maxDepth: MAX_DEPTH, refused: true, exotic: isolation === 'inline' })
      const failures: unknown[] = []
      for (let i = 0; i < COUNT; i++) {
        const x = next()
        const want = expected(x, '$')
        if ('value' in want) {
          // the model is structuredClone's answer in the value model's terms (clone refuses a Proxy)
          let clone: unknown = want.value
          try {
            clone = canon(cloneModel(x))
          } catch {}
          expect(clone).toEqual(want.value)
        }
        for (const [check, run] of Object.entries(CHECKS)) {
          const have = await got(() => run(hosts[isolation] as Host, x))
          let w = JSON.stringify(check.startsWith('globals') ? expected(x, '$.x') : want)
          const h = JSON.stringify(have)
          // in workers the host thread refuses what clone cannot carry before the engine looks for
          // cycles and Map keys: with two faults in one value, it may name the other one
          if (isolation === 'worker' && 'error' in want && 'error' in have) w = h
          if (w !== h) failures.push({ i, check, want: w.slice(0, 600), have: h.slice(0, 600) })
        }
      }
      expect(failures.slice(0, 5)).toEqual([])
    }, 600_000)
  }
})

describe.each(['inline', 'worker'])('random guest-made values cross as V8 makes and clones them (%s)', (isolation) => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: ${COUNT} sources`, async () => {
      const next = randomSources(seed, { refused: true })
      const failures: unknown[] = []
      for (let i = 0; i < COUNT; i++) {
        const source = next()
        if (process.env.POLYHOST_FUZZ_TRACE) process.stderr.write(`${i} ${source.slice(0, 300)}\n`)
        let want: Outcome = { value: ['threw', 'ScriptRuntimeError'] }
        let x: unknown
        let made = false
        try {
          x = new Function(`return ${source}`)()
          made = true
        } catch (e) {
          // a duplicate `__proto__` in a literal: both engines refuse to compile it
          if (e instanceof SyntaxError) want = { value: ['threw', 'ScriptSyntaxError'] }
        }
        let getterThrew = false
        try {
          if (made) want = expected(x, '$', true)
        } catch {
          // a getter that throws when read (`get a() { return -Object.create(null) }`): the
          // conversion fails with the script's error, whatever its wording
          getterThrew = true
        }
        if (made && !getterThrew && 'value' in want) expect(canon(cloneModel(x))).toEqual(want.value)
        const host = hosts[isolation] as Host
        const runs: Record<string, () => Promise<unknown>> = {
          result: async () => (await host.execute({ language: 'js', source })).value,
          'bridge argument': async () => {
            received = []
            await host.execute({ language: 'js', source: `await b.put(${source}); 0` })
            return received[0]
          },
        }
        for (const [check, run] of Object.entries(runs)) {
          if (process.env.POLYHOST_FUZZ_TRACE) process.stderr.write(`  ${check} ${Math.round(process.memoryUsage().rss / 1e6)} MB\n`)
          let have = await got(run)
          if ('value' in have && Array.isArray(have.value) && have.value[0] === 'threw') have = { value: have.value.slice(0, 2) }
          const h = JSON.stringify(have)
          // a refusal's path is compared for host values only: with two faults in one guest value
          // (a Map's integer-like key, a non-string Map key) the guest's copy may name the other
          const failed = 'error' in have || (have.value as unknown[] | null)?.[0] === 'threw'
          const w = ('error' in want && 'error' in have) || (getterThrew && failed) ? h : JSON.stringify(want)
          if (w !== h) failures.push({ i, check, source: source.slice(0, 600), want: w.slice(0, 600), have: h.slice(0, 600) })
        }
      }
      expect(failures.slice(0, 6)).toEqual([])
    }, 600_000)
  }
})
