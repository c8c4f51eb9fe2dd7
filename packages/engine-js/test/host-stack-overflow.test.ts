import { createHost, type Host, LimitExceededError } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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

  it('the next execution is correct', async () => {
    expect((await host.execute({ language: 'js', source: '[1, 2].map((x) => x * 2)' })).value).toEqual([2, 4])
  })
})
