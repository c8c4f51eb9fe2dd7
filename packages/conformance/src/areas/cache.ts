import { ScriptSyntaxError } from '@polyhost/core'
import { failsWith, test } from '../checks.js'
import { BridgeProbe } from '../fixtures.js'
import type { ConformanceArea } from '../types.js'

export const cacheArea: ConformanceArea = {
  name: 'cache',
  tests: [
    test('cache.hit', 'the second execution of the same source and name is a cache hit and is not recompiled', async (t) => {
      const host = await t.host({ pool: { max: 1 } })
      const source = t.s.readGlobal('x')
      const first = await t.run(host, source, { name: 'same', globals: { x: 1 } })
      const second = await t.run(host, source, { name: 'same', globals: { x: 2 } })
      t.expect([first.value, second.value]).toEqual([1, 2])
      t.expect(first.stats.compileCacheHit).toBe(false)
      t.expect(second.stats.compileCacheHit).toBe(true)
      t.expect(t.compiles, 'compiled once').toBe(1)
      t.expect(host.stats().cache.hits).toBeGreaterThanOrEqual(1)
    }),
    test('cache.compiled-script', 'host.compile checks syntax once; run() executes it many times', async (t) => {
      const host = await t.host({ pool: { max: 2 } })
      const script = await host.compile({ language: t.language, source: t.s.readGlobal('x'), name: t.name('compiled') })
      const runs = await Promise.all([1, 2, 3].map((x) => script.run({ globals: { x } })))
      t.expect(runs.map((r) => r.value)).toEqual([1, 2, 3])
      t.expect(runs.every((r) => r.stats.compileCacheHit)).toBe(true)
      t.expect(t.compiles).toBe(1)
      await failsWith(t, host.compile({ language: t.language, source: t.s.syntaxError().source, name: t.name('bad') }), ScriptSyntaxError)
    }),
    test('cache.syntax-error', 'a syntax error is cached: the broken source is not compiled again', async (t) => {
      const host = await t.host()
      const { source } = t.s.syntaxError()
      const a = await failsWith(t, t.run(host, source, { name: 'broken' }), ScriptSyntaxError)
      const b = await failsWith(t, t.run(host, source, { name: 'broken' }), ScriptSyntaxError)
      t.expect(b.line).toBe(a.line)
      t.expect(t.compiles, 'compiled once').toBe(1)
    }),
    test('cache.name-in-key', 'the same source under another name compiles separately (names appear in errors)', async (t) => {
      const host = await t.host()
      await t.run(host, t.s.returnLiteral(1), { name: 'one' })
      await t.run(host, t.s.returnLiteral(1), { name: 'two' })
      t.expect(t.compiles).toBe(2)
    }),
    test('cache.policy-change', 'host.setPolicy invalidates compiled scripts and pooled states of the old policy', async (t) => {
      const host = await t.host({ pool: { max: 1 } })
      new BridgeProbe().on(host)
      const source = t.s.hasPath(['kv', 'fail'])
      const before = await t.run(host, source, { name: 'probe' })
      t.expect(before.value).toBe(true)
      host.setPolicy({ preset: 'standard', bridges: { allow: ['kv.add'] } })
      const after = await t.run(host, source, { name: 'probe' })
      t.expect(after.stats.compileCacheHit, 'a new policy means a new compile').toBe(false)
      t.expect(after.value, 'the pooled state follows the new policy').toBe(false)
      t.expect(t.compiles).toBe(2)
      t.expect((await t.run(host, t.s.callBridge('kv.add', [1, 2]))).value).toBe(3)
    }),
  ],
}
