import { LimitExceededError, LOG_LINE_BYTES } from '@polyhost/core'
import { failsWith, test } from '../checks.js'
import { BridgeProbe } from '../fixtures.js'
import type { ConformanceArea } from '../types.js'

export const logsArea: ConformanceArea = {
  name: 'logs',
  tests: [
    test('logs.captured', 'print output is captured in order as info entries with a timestamp', async (t) => {
      const source = [t.s.print('first line'), t.s.print('second'), t.s.returnLiteral(true)].join('\n')
      const before = Date.now()
      const r = await t.run(await t.host(), source)
      t.expect(r.logs.map((l) => [l.level, l.message])).toEqual([
        ['info', 'first line'],
        ['info', 'second'],
      ])
      t.expect(r.logs[0]?.at).toBeGreaterThanOrEqual(before - 1)
      t.expect(r.stats.outputBytes).toBeGreaterThanOrEqual('first line'.length + 'second'.length)
    }),
    test('logs.utf8-bytes', 'output is counted in UTF-8 bytes', async (t) => {
      const r = await t.run(await t.host(), `${t.s.print('é✓'.repeat(10))}\n${t.s.returnLiteral(1)}`)
      t.expect(r.logs[0]?.message).toBe('é✓'.repeat(10))
      t.expect(r.stats.outputBytes, '2 + 3 bytes per pair').toBeGreaterThanOrEqual(50)
    }),
    test(
      'logs.exact-count',
      'a line counts its UTF-8 bytes plus LOG_LINE_BYTES, exactly: one that fits the limit is not refused',
      async (t) => {
        const max = 1000
        const host = await t.host({ limits: { outputBytes: max } })
        const fits = 'x'.repeat(max - LOG_LINE_BYTES)
        const r = await t.run(host, `${t.s.print(fits)}\n${t.s.returnLiteral(1)}`)
        t.expect(r.logs.map((l) => l.message)).toEqual([fits])
        t.expect(r.stats.outputBytes).toBe(max)
        const over = await failsWith(t, t.run(host, `${t.s.print(`${fits}x`)}\n${t.s.returnLiteral(1)}`), LimitExceededError)
        t.expect([over.limit, over.used, over.max]).toEqual(['output', max + 1, max])
      },
    ),
    test('logs.per-execution', 'each execution has only its own logs', async (t) => {
      const host = await t.host({ pool: { max: 1 } })
      await t.run(host, `${t.s.print('one')}\n${t.s.returnLiteral(1)}`)
      const r = await t.run(host, `${t.s.print('two')}\n${t.s.returnLiteral(2)}`)
      t.expect(r.logs.map((l) => l.message)).toEqual(['two'])
      t.expect((await t.run(host, t.s.returnLiteral(3))).logs).toEqual([])
    }),
    test('logs.bridge-log', 'a handler’s ctx.log lines join the script’s output in order', async (t) => {
      const host = await t.host()
      new BridgeProbe().on(host)
      const source = [t.s.print('before'), t.s.callBridge('kv.note', ['from handler'])].join('\n')
      const r = await t.run(host, source)
      t.expect(r.value).toBe(true)
      t.expect(r.logs.map((l) => [l.level, l.message])).toEqual([
        ['info', 'before'],
        ['warn', 'from handler'],
      ])
    }),
    test(
      'logs.capped',
      'output under outputBytes is kept whole; beyond it the execution fails with the output limit',
      async (t) => {
        const host = await t.host({ limits: { outputBytes: 300 } })
        const under = await t.run(host, `${t.s.print('a'.repeat(100))}\n${t.s.print('b'.repeat(100))}\n${t.s.returnLiteral(1)}`)
        t.expect(under.logs.length).toBe(2)
        const e = await t
          .run(host, `${t.s.print('c'.repeat(200))}\n${t.s.print('d'.repeat(200))}\n${t.s.returnLiteral(1)}`)
          .catch((x: unknown) => x)
        t.expect((e as { code?: string }).code).toBe('E_LIMIT')
        t.expect((e as { limit?: string }).limit).toBe('output')
      },
      [{ limit: 'output' }],
    ),
  ],
}
