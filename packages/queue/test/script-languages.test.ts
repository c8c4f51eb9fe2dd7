import { InvalidArgumentError } from '@polyhost/core'
import { describe, expect, it } from 'vitest'
import { createScriptQueue, DEFAULT_SCRIPT_LANGUAGES } from '../src/index.js'
import { connection, uniqueName, useQueueFixture } from './support.js'

// `scripts.put('s', { language: 'cobol', … })` and `'LUA'` were stored, and every job of them
// failed later on a worker with EngineNotFoundError. A queue cannot see its workers' engines, so
// it checks against a list (`languages`, default DEFAULT_SCRIPT_LANGUAGES), names compared
// exactly as core's `modules.register` and engine lookup compare them; nothing is stored.

const fx = useQueueFixture({ name: 'languages', concurrency: 1 })

async function refusal(p: Promise<unknown>): Promise<Error> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  )
  expect(e).toBeInstanceOf(InvalidArgumentError)
  return e as Error
}

describe('script languages', () => {
  it.each([
    ['a language no engine runs', 'cobol'],
    ['a name in capitals', 'LUA'],
    ['a name with a space', 'lua '],
  ])('scripts.put refuses %s and stores nothing', async (_what, language) => {
    const id = uniqueName('s')
    const e = await refusal(fx.queue.scripts.put(id, { language, source: 'return 1' }))
    expect(e.message).toBe(`scripts.put: language: unknown language ${JSON.stringify(language)} (known: lua, js, javascript)`)
    expect((await fx.queue.scripts.list()).map((s) => s.id)).not.toContain(id)
  })

  it('an inline enqueue refuses one too, before a worker fails it', async () => {
    const before = await fx.queue.bull.getJobCountByTypes('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized')
    const e = await refusal(fx.queue.enqueue({ script: { language: 'cobol', source: 'x' } }))
    expect(e.message).toMatch(/^enqueue: script\.language: unknown language "cobol" \(known: /)
    expect(await fx.queue.bull.getJobCountByTypes('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized')).toBe(before)
  })

  it('each default language is stored and runs on a host with the bundled engines', async () => {
    for (const language of DEFAULT_SCRIPT_LANGUAGES) {
      const id = uniqueName('s')
      const source = language === 'lua' ? 'return 1 + 1' : '1 + 1'
      await fx.queue.scripts.put(id, { language, source })
      expect((await (await fx.queue.enqueue({ script: { ref: id } })).result()).value).toBe(2)
    }
  })

  it('languages: a queue whose workers run other engines names them', async () => {
    const queue = createScriptQueue({ connection: connection(), name: uniqueName('other'), languages: ['cobol'] })
    try {
      await queue.scripts.put('s', { language: 'cobol', source: 'x' })
      const e = await refusal(queue.scripts.put('t', { language: 'lua', source: 'return 1' }))
      expect(e.message).toBe('scripts.put: language: unknown language "lua" (known: cobol)')
      expect((await queue.scripts.get('s')).language).toBe('cobol')
    } finally {
      await queue.scripts.remove('s')
      await queue.close()
    }
  })

  it.each([[[]], [['']], ['lua'], [[1]]])('createScriptQueue refuses languages %j', (languages) => {
    const make = () => createScriptQueue({ connection: connection(), name: uniqueName('bad'), languages: languages as never })
    expect(make).toThrow('createScriptQueue: languages must be a non-empty array of language names')
  })
})
