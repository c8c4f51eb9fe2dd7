// A handler's `ctx.log(message, level)` takes one of the four documented levels. Any other
// level is an InvalidArgumentError thrown to the handler, in both modes: stored, an object or a
// function level would leave a log line nothing can print, and in worker mode structured clone
// refused it when the reply was posted, in a worker message handler, where the throw was
// uncaught and ended the host process. Worker mode loads dist/.
import { afterEach, describe, expect, it } from 'vitest'
import { defineBridge } from '../src/bridges.js'
import { createHost, type Host } from '../src/index.js'
import { blockingEngine } from './fixtures/blocking-engine.mjs'

const LIMITS = { instructions: false, memoryBytes: false, stackDepth: false, timeoutMs: 10_000 } as const
const LEVELS: Record<string, unknown> = {
  'an object with a method': { level: 'warn', toString: () => 'warn' },
  'a function': console.warn,
  'a symbol': Symbol('warn'),
  'a number': 3,
  'an unknown name': 'bogus',
}

let host: Host | undefined
afterEach(async () => {
  await host?.close()
  host = undefined
})

describe.each(['inline', 'worker'] as const)('ctx.log levels (%s)', (isolation) => {
  it.each(Object.keys(LEVELS))('refuses %s to the handler, which goes on', async (which) => {
    host = await createHost({ engines: [blockingEngine()], isolation, workers: 1, limits: LIMITS })
    const level = LEVELS[which]
    const note = (ctx: { log(message: string, level?: never): void }) => {
      try {
        ctx.log('note', level as never)
        return 'accepted'
      } catch (e) {
        return `${(e as Error).name}: ${(e as Error).message}`
      }
    }
    host.bridges.register(
      defineBridge({
        name: 'audit',
        methods: { note: { args: [], handler: note }, later: { args: [], handler: async (ctx) => note(ctx) } },
      }),
    )
    for (const method of ['note', 'later']) {
      const r = await host.execute({ language: 'blk', source: `return await api.call('audit.${method}')` })
      expect(r.value).toMatch(/^InvalidArgumentError: ctx\.log: level must be 'debug', 'info', 'warn' or 'error' \(received /)
      expect(r.logs).toEqual([])
    }
  })

  it('keeps the documented levels', async () => {
    host = await createHost({ engines: [blockingEngine()], isolation, workers: 1, limits: LIMITS })
    const levels = ['debug', 'info', 'warn', 'error'] as const
    host.bridges.register(
      defineBridge({
        name: 'audit',
        methods: {
          all: {
            args: [],
            handler: (ctx) => {
              for (const l of levels) ctx.log(l, l)
            },
          },
        },
      }),
    )
    const r = await host.execute({ language: 'blk', source: "await api.call('audit.all'); return 1" })
    expect(r.logs.map((l) => [l.level, l.message])).toEqual(levels.map((l) => [l, l]))
  })
})
