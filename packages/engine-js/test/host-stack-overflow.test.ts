import { createHost, type Host, LimitExceededError } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_HOST_NESTING } from '../src/guest-calls.js'
import { jsEngine } from '../src/index.js'

// Host functions called from guest getters that the conversion of their own arguments runs:
// each level nests host frames, and the host's own stack runs out after ~150 levels (V8's
// RangeError inside a host call). That is a stack limit like a guest overflow, never an
// error the script may catch and carry on from.
describe('engine-js: the host stack running out under nested host calls', () => {
  let host: Host
  beforeAll(async () => {
    host = await createHost({ engines: [jsEngine()], pool: { min: 1, max: 1 } })
  })
  afterAll(() => host.close())

  const nest = 'let d = 0; const mk = () => ({ get a() { d++; return d < 100000 ? f(mk()) : 1 } });'

  it('ends the execution with the stack limit', async () => {
    const e = await host.execute({ language: 'js', source: `${nest} f(mk())`, globals: { f: () => 1 } }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(LimitExceededError)
    expect((e as LimitExceededError).limit).toBe('stack')
  })

  it('a script that catches it is still stopped', async () => {
    const source = `${nest} let m; try { f(mk()) } catch (e) { m = String(e) } 'caught: ' + m`
    const e = await host.execute({ language: 'js', source, globals: { f: () => 1 } }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(LimitExceededError)
    expect((e as LimitExceededError).limit).toBe('stack')
  })

  it('is the stack limit wherever the nesting is (a host call at every level)', async () => {
    // with a second host function called at each level, V8's own overflow struck where it
    // reached the script as a catchable Error: the nesting is now bounded before that
    const source = `let d = 0; const mk = () => ({ get a() { d++; r(d); return f(mk()) } }); let m; try { f(mk()) } catch (e) { m = String(e) } m`
    for (let i = 0; i < 3; i++) {
      const e = await host.execute({ language: 'js', source, globals: { f: () => 1, r: () => 0 } }).catch((x: unknown) => x)
      expect(e).toBeInstanceOf(LimitExceededError)
      expect((e as LimitExceededError).limit).toBe('stack')
    }
  })

  it(`nests host calls up to ${MAX_HOST_NESTING} deep`, async () => {
    // level n's argument has a getter calling f again with level n + 1; f returns its argument's `a`
    const deep = (levels: number) =>
      host.execute({
        language: 'js',
        source: `const mk = (n) => ({ get a() { this.v ??= n < ${levels} ? f(mk(n + 1)) : n; return this.v } }); f(mk(1))`,
        globals: { f: (x: { a: unknown }) => x.a },
      })
    expect((await deep(MAX_HOST_NESTING)).value).toBe(MAX_HOST_NESTING)
    const e = await deep(MAX_HOST_NESTING + 1).catch((x: unknown) => x)
    expect((e as LimitExceededError).limit).toBe('stack')
  })

  it('the next execution is correct', async () => {
    expect((await host.execute({ language: 'js', source: '[1, 2].map((x) => x * 2)' })).value).toEqual([2, 4])
  })
})
