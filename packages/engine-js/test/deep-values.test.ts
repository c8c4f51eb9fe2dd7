import { ConversionError, createHost, type Host, LimitExceededError } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jsEngine } from '../src/index.js'

// maxDepth may be 1,000 (core's bound), and a value that deep must cross both ways under every
// preset's stack limit. The guest's plain copy of a result and the context's deep freeze
// recursed with guest frames, counted against the script's own stack: a script that was just
// `g` for a 950-deep global tripped `stack limit exceeded (911 > 910)` (standard) and
// (235 > 234) (strict). Conversion must not lift the limit for the script's own code either.
// The worker runs load dist/: run `pnpm run build` first.

const DEPTH = 1000
const POLICIES = ['minimal', 'standard', 'strict'] as const

const objects = (n: number): object => {
  const root: Record<string, unknown> = {}
  let c = root
  for (let i = 1; i < n; i++) c = c.a = {}
  return root
}
const arrays = (n: number): unknown[] => {
  let a: unknown[] = []
  for (let i = 1; i < n; i++) a = [a]
  return a
}
/** A script making the same value, by a loop (no recursion of its own). */
const made = (n: number, array: boolean) =>
  `let v = ${array ? '[]' : '{}'}\nfor (let i = 1; i < ${n}; i++) v = ${array ? '[v]' : '{ a: v }'}\nv`

describe('values as deep as maxDepth (1,000) cross both ways', () => {
  const hosts: Record<string, Host> = {}
  beforeAll(async () => {
    for (const policy of POLICIES) hosts[policy] = await createHost({ engines: [jsEngine()], policy, maxDepth: DEPTH })
    hosts.worker = await createHost({ engines: [jsEngine()], policy: 'strict', maxDepth: DEPTH, isolation: 'worker', workers: 1 })
  })
  afterAll(() => Promise.all(Object.values(hosts).map((h) => h.close())))
  const run = (host: string, source: string, req: object = {}) =>
    hosts[host]!.execute({ language: 'js', source, ...req }).then((r) => r.value)

  for (const host of [...POLICIES, 'worker']) {
    it(`${host}: a global in and back, a context, a script's result`, async () => {
      for (const array of [false, true]) {
        const deep = (n: number) => (array ? arrays(n) : objects(n))
        expect(await run(host, 'g', { globals: { g: deep(DEPTH) } })).toEqual(deep(DEPTH))
        // the context is one value, its own first level
        expect(await run(host, '1', { context: { g: deep(DEPTH - 1) } })).toBe(1)
        expect(await run(host, made(DEPTH, array))).toEqual(deep(DEPTH))
        await expect(run(host, made(DEPTH + 1, array))).rejects.toBeInstanceOf(ConversionError)
      }
    })
  }

  it("strict: a host function's argument and result at maxDepth", async () => {
    const got: unknown[] = []
    const globals = {
      f: (x: unknown) => {
        got.push(x)
        return objects(DEPTH)
      },
    }
    expect(await run('strict', `${made(DEPTH, false)}\nf(v) === undefined`, { globals })).toBe(false)
    expect(got).toEqual([objects(DEPTH)])
    expect(await run('strict', 'f(1)', { globals })).toEqual(objects(DEPTH))
  })

  it('a deep result: its getters run once, and a getter keeps the stack limit', async () => {
    // 40 levels below the getter: deeper than the guest's own copy goes, so the host walks the
    // rest; what was copied is not read again
    const deepGetter = 'let n = 0\nlet d = {}\nfor (let i = 0; i < 40; i++) d = { a: d };\n({ get x() { return ++n }, d })'
    expect(((await run('strict', deepGetter)) as { x: number }).x, 'the getter ran once').toBe(1)
    const e = await run('strict', 'function r(n) { return n <= 1 ? 1 : 1 + r(n - 1) }\n({ get x() { return r(100000) } })').catch(
      (x: unknown) => x,
    )
    expect(e).toBeInstanceOf(LimitExceededError)
    expect((e as LimitExceededError).limit).toBe('stack')
    expect((e as LimitExceededError).max, "strict's 200 frames, not more").toBeLessThan(400)
  })
})
