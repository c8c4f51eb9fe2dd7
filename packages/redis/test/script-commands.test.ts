import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SCRIPT_CONTAINERS, SCRIPT_NOSCRIPT } from '../src/scripting/script-commands.js'
import { hasRedisServer, type RealRedis, startRedis } from './real-redis.js'

/** `COMMAND`'s entry: name, arity, flags, ..., subcommands (index 9) as entries of their own. */
type CommandReply = [string, number, string[], ...unknown[]]

/**
 * The script path's command table (`src/scripting/script-commands.ts`) against redis-server's
 * own `COMMAND` in the same run: every command flagged `noscript` with its arity, every
 * container with its arity and all of its subcommands' arities and `noscript` flags.
 */
describe.skipIf(!hasRedisServer)('script command table vs redis-server COMMAND', () => {
  let real: RealRedis
  let table: CommandReply[]

  beforeAll(async () => {
    real = await startRedis()
    table = (await real.client.call('COMMAND')) as CommandReply[]
  })

  afterAll(async () => {
    await real?.stop()
  })

  it('has the noscript commands with their arities', () => {
    const want = table.filter((c) => c[2].includes('noscript')).map((c) => `${c[0]} ${c[1]}`)
    const got = [...SCRIPT_NOSCRIPT].map(([name, e]) => `${name} ${e.arity}`)
    expect(got.sort()).toEqual(want.sort())
  })

  it('has the containers with every subcommand', () => {
    const want = table
      .filter((c) => ((c[9] as CommandReply[] | undefined)?.length ?? 0) > 0)
      .flatMap((c) => [
        `${c[0]} ${c[1]}${c[2].includes('noscript') ? ' noscript' : ''}`,
        ...(c[9] as CommandReply[]).map((s) => `${s[0]} ${s[1]}${s[2].includes('noscript') ? ' noscript' : ''}`),
      ])
    const got = [...SCRIPT_CONTAINERS].flatMap(([name, c]) => [
      `${name} ${c.entry.arity}${c.entry.noscript ? ' noscript' : ''}`,
      ...[...c.subcommands].map(([sub, e]) => `${name}|${sub} ${e.arity}${e.noscript ? ' noscript' : ''}`),
    ])
    expect(got.sort()).toEqual(want.sort())
  })
})
