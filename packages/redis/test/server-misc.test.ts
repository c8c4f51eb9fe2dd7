import { describe, expect, it } from 'vitest'
import { memoryStore } from '../src/index.js'
import { describeCases } from './corpus-runner.js'
import { COMMAND_TABLE_CASES, SERVER_MISC_CASES } from './corpus/server-misc.js'

describeCases('LASTSAVE, LOLWUT, PFSELFTEST, MEMORY USAGE, PFDEBUG, INFO keyspace, COMMAND', [...SERVER_MISC_CASES, ...COMMAND_TABLE_CASES])

describe('INFO keyspace expires=', () => {
  it('counts live keys with an expiry without touching their idle time, as Redis reads its expires table', () => {
    const t = { now: 1_700_000_000_000 }
    const store = memoryStore({ clock: () => t.now })
    const run = (...argv: string[]) => store.execute(argv.map((a) => Buffer.from(a)))
    run('SET', 'k', 'v', 'EX', '1000')
    run('SET', 'gone', 'v', 'PX', '5')
    run('SET', 'plain', 'v')
    t.now += 10_000
    expect(store.expiring?.(0)).toBe(1)
    expect(run('OBJECT', 'IDLETIME', 'k')).toBe(10)
  })
})
