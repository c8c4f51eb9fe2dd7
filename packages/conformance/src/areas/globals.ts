import { ScriptRuntimeError } from '@polyhost/core'
import { isNil, test } from '../checks.js'
import type { ConformanceArea } from '../types.js'

const CONTEXT = { tenant: 't1', user: 'u7', roles: ['admin', 'dev'], limits: { rate: 5 } }

export const globalsArea: ConformanceArea = {
  name: 'globals',
  tests: [
    test('globals.injected', 'every global of the request is visible to the script', async (t) => {
      const globals = { g1: 1, g2: 'two', g3: [3], g4: { four: 4 }, g5: true }
      for (const [name, v] of Object.entries(globals)) t.expect(await t.value(t.s.readGlobal(name), { globals }), name).toEqual(v)
    }),
    test('globals.absent', 'a global that was not injected is nil', async (t) => {
      t.expect(isNil(await t.value(t.s.readGlobal('neverInjected'))), 'absent global').toBe(true)
      t.expect(await t.value(t.s.hasPath(['neverInjected']))).toBe(false)
    }),
    test('globals.context-visible', '`context` is a global holding a copy of the request context', async (t) => {
      t.expect(await t.value(t.s.readGlobal('context'), { context: CONTEXT })).toEqual(CONTEXT)
      t.expect(await t.value(t.s.readField('context', ['roles', 1]), { context: CONTEXT })).toBe('dev')
      t.expect(await t.value(t.s.readField('context', ['limits', 'rate']), { context: CONTEXT })).toBe(5)
    }),
    test('globals.context-empty', 'without a request context, `context` is an empty table/object', async (t) => {
      const v = await t.value(t.s.readGlobal('context'))
      t.expect(Array.isArray(v) ? v : Object.keys(v as object)).toEqual([])
    }),
    test('globals.context-frozen', 'the script cannot change `context`, at the top or deep inside', async (t) => {
      const host = await t.host()
      for (const [key, path] of [
        ['user', ['user']],
        ['newKey', ['newKey']],
      ] as const) {
        const r: { value: unknown } | Error = await t.run(host, t.s.writeContext(key, 'evil'), { context: CONTEXT }).catch((e: Error) => e)
        if (r instanceof Error) t.expect(r, 'a write to context may raise a script error').toBeInstanceOf(ScriptRuntimeError)
        else {
          const expected = (CONTEXT as Record<string, unknown>)[path[0]]
          if (expected === undefined) t.expect(isNil(r.value), `context.${key} stays absent`).toBe(true)
          else t.expect(r.value, `context.${key} unchanged`).toBe(expected)
        }
      }
      t.expect(CONTEXT.user, 'the caller’s object is untouched').toBe('u7')
      t.expect((await t.run(host, t.s.readField('context', ['user']), { context: CONTEXT })).value).toBe('u7')
    }),
    test('globals.context-per-execution', 'each execution sees its own context', async (t) => {
      const host = await t.host({ pool: { max: 1 } })
      for (const user of ['a', 'b', 'c']) {
        t.expect((await t.run(host, t.s.readField('context', ['user']), { context: { user } })).value).toBe(user)
      }
    }),
    test('globals.results', 'results of every type arrive in `value`, and `values` starts with it', async (t) => {
      const host = await t.host()
      for (const v of [1, 'x', true, [1, 2], { a: 'b' }]) {
        const r = await t.run(host, t.s.readGlobal('v'), { globals: { v } })
        t.expect(r.value).toEqual(v)
        t.expect(r.values[0]).toEqual(v)
      }
    }),
    test('globals.stats', 'a result carries its stats: engine, duration, counters', async (t) => {
      const r = await t.run(await t.host(), t.s.returnLiteral(1))
      t.expect(r.stats.engine).toBe(t.engineId)
      t.expect(r.stats.durationMs).toBeGreaterThanOrEqual(0)
      t.expect(r.stats.bridgeCalls).toBe(0)
      t.expect(r.stats.outputBytes).toBe(0)
      t.expect(r.logs).toEqual([])
    }),
  ],
}
