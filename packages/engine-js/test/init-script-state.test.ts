import { createHost, type Host } from '@polyhost/core'
import { afterEach, describe, expect, it } from 'vitest'
import { jsEngine } from '../src/index.js'

// What an initScript defines joins the frozen baseline, but freezing covers properties only:
// Map and Set entries, a Date's time, buffer bytes, private fields and closure variables of
// the baseline stayed writable, and reset did not notice. With states shared between tenants
// (`partitionByTenant: false`, or executions without a tenant) tenant B read tenant A's
// writes, and an object with a getter that A left in a baseline Map ran A's code inside B's
// execution, copying B's context. A state that ran an initScript now serves one execution.
// Worker runs load the built packages (dist/): build first.

const INIT = `
globalThis.cache = new Map()
globalThis.seen = new Set()
globalThis.started = new Date(0)
globalThis.scratch = new ArrayBuffer(16)
globalThis.table = new Uint8Array([1, 2, 3])
let last = ''; globalThis.remember = (s) => { const prev = last; last = s; return prev }
class Session { #user = null; login(u) { const p = this.#user; this.#user = u; return p } }
globalThis.session = new Session()`

const WRITE = `cache.set('token', 'A-secret'); seen.add('A-secret'); started.setTime(424242)
new Uint8Array(scratch).set([65, 66]); table[0] = 99; remember('A-secret'); session.login('alice@A'); 'ok'`
const READ = `[cache.get('token') ?? null, [...seen], started.getTime(), Array.from(new Uint8Array(scratch).slice(0, 2)),
  Array.from(table), remember('B'), session.login('bob@B')]`

let host: Host | undefined
afterEach(async () => {
  await host?.close()
  host = undefined
})

const make = async (isolation: 'inline' | 'worker', initScript: string) => {
  // one state for both tenants on purpose: what A changes must not reach B anyway
  host = await createHost({
    engines: [jsEngine({ initScript })],
    isolation,
    workers: 1,
    pool: { min: 1, max: 1, partitionByTenant: false },
  })
  return host
}

const run = (h: Host, source: string, tenant: string) =>
  h.execute({ language: 'js', source, tenant, context: { tenant, apiToken: `token-of-${tenant}` } }).then((r) => r.value)

describe.each(['inline', 'worker'] as const)('initScript state (%s)', (isolation) => {
  it("B sees only the initScript's own values after A wrote into them", async () => {
    const h = await make(isolation, INIT)
    for (let round = 0; round < 3; round++) {
      expect(await run(h, WRITE, 'A')).toBe('ok')
      expect(await run(h, READ, 'B')).toEqual([null, [], 0, [0, 0], [1, 2, 3], '', null])
    }
  })

  it("a getter A left in a baseline Map never runs in B's execution", async () => {
    const h = await make(isolation, 'globalThis.cache = new Map()')
    await run(h, `cache.set('profile', { get name() { cache.set('stolen', JSON.stringify(context)); return 'x' } }); 1`, 'A')
    expect(await run(h, `'hello ' + cache.get('profile')?.name`, 'B')).toBe('hello undefined')
    expect(await run(h, `cache.get('stolen') ?? null`, 'A')).toBeNull()
  })

  // with snapshots on (the default) states are copies of a template: one taken after the
  // initScript gave every tenant the template's Math.random draws (and a seed made from them)
  it("each state's initScript draws are its own, as with snapshots off", async () => {
    const h = await make(
      isolation,
      'globalThis.nonce = Math.random(); let s = (Math.random() * 2 ** 32) >>> 0; globalThis.next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0)',
    )
    const seen = []
    for (let i = 0; i < 5; i++) seen.push(await run(h, '[nonce, next()].join()', `tenant${i}`))
    expect(new Set(seen).size).toBe(5)
  })

  it('a baseline typed array with elements is accepted and stays unextendable', async () => {
    const h = await make(isolation, 'globalThis.table = new Uint8Array([1, 2, 3])')
    expect(
      await run(h, `Object.isExtensible(table) || Reflect.defineProperty(table, 'x', { value: 1 }) ? 'open' : Array.from(table)`, 'A'),
    ).toEqual([1, 2, 3])
  })
})
