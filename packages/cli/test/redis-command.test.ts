import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hasRedisServer, type RedisServer, startRedisServer } from '../../../test-support/redis-server.mjs'
import { EXIT } from '../src/index.js'
import { cliIn } from './run-cli.js'

const dir = mkdtempSync(join(tmpdir(), 'polyhost-redis-cli-'))
const REDIS_CLI = '/usr/bin/redis-cli'
const hasJudge = existsSync(REDIS_CLI) && hasRedisServer

const cli = cliIn(dir)

const COMMANDS = [
  'SET k v',
  'GET k',
  'INCR n',
  'GET missing',
  'RPUSH l a "b c" "\\x00\\xff" \'it\\\'s\'',
  'LRANGE l 0 -1',
  'EVAL "return {1, {2, \\"x\\"}, redis.call(\\"GET\\", KEYS[1])}" 1 k',
  'HGETALL nothing',
  'ZADD z 1.5 a -2 b',
  'ZRANGEBYSCORE z -inf +inf WITHSCORES',
  'INCR k',
  'EVAL "return redis.call(\\"NOSUCH\\")" 0',
].join('\n')

/** `polyhost redis` prints replies as redis-cli does against redis-server (same commands). */
describe.skipIf(!hasJudge)('polyhost redis against redis-cli on redis-server', () => {
  let server: RedisServer | undefined
  let port = 0
  beforeAll(async () => {
    server = await startRedisServer()
    port = server.port
  })
  afterAll(() => server?.stop())
  const redisCli = (args: string[], input?: string) =>
    execFileSync(REDIS_CLI, ['-p', String(port), '--no-raw', ...args], { input, encoding: 'latin1', stdio: ['pipe', 'pipe', 'ignore'] })

  it('run <file>: every reply printed as redis-cli prints it', async () => {
    writeFileSync(join(dir, 'cmds.txt'), `# a comment\n${COMMANDS}\n`)
    const want = redisCli([], `${COMMANDS}\n`)
    const got = await cli(['redis', 'run', 'cmds.txt'])
    expect(got.stdout).toBe(want)
    expect(want).toContain('1) "a"')
    expect(got.code).toBe(EXIT.scriptError) // the file holds error replies
  })

  it('one command, arguments starting with "-", and eval with --keys/--args', async () => {
    redisCli(['FLUSHALL'])
    const seed = ['ZADD z 1 a 2 b', 'SET k v']
    writeFileSync(join(dir, 'seed.txt'), `${seed.join('\n')}\n`)
    redisCli([], `${seed.join('\n')}\n`)
    const range = await cli(['redis', '--data', 'seed.txt', 'ZRANGEBYSCORE', 'z', '-inf', '+inf'])
    expect(range.stdout).toBe(redisCli(['ZRANGEBYSCORE', 'z', '-inf', '+inf']))
    const src = 'return {KEYS[1], ARGV[1], ARGV[2], redis.call("GET", KEYS[1])}'
    const ev = await cli(['redis', '--data', 'seed.txt', 'eval', src, '--keys', 'k', '--args', 'a1', '--args', 'a2'])
    expect(ev.code).toBe(EXIT.ok)
    expect(ev.stdout).toBe(redisCli(['EVAL', src, '1', 'k', 'a1', 'a2']))
    // the script alone: no keys, as the usage says; Redis's own EVAL form keeps its arity rule
    const alone = await cli(['redis', '--data', 'seed.txt', 'eval', 'return redis.call("GET", "k")'])
    expect(alone).toMatchObject({ code: EXIT.ok, stdout: redisCli(['EVAL', 'return redis.call("GET", "k")', '0']) })
    expect((await cli(['redis', 'EVAL', 'return 1', '0'])).stdout).toBe(redisCli(['EVAL', 'return 1', '0']))
  })
})

describe('polyhost redis', () => {
  it('eval --file, a .json seed and --json output', async () => {
    writeFileSync(join(dir, 'script.lua'), 'return {redis.call("HGET", KEYS[1], ARGV[1]), 7, false}')
    writeFileSync(
      join(dir, 'seed.json'),
      JSON.stringify([
        ['HSET', 'h', 'f', 'v\u00e9'],
        ['SET', 'bin', 'x'],
      ]),
    )
    const r = await cli(['redis', '--data', 'seed.json', '--json', 'eval', '--file', 'script.lua', '--keys', 'h', '--args', 'f'])
    expect(r.code).toBe(EXIT.ok)
    expect(JSON.parse(r.stdout)).toEqual(['v\u00e9', 7, null])
  })

  it('a runaway script stops at --timeout and exits with the limit code', async () => {
    const t0 = Date.now()
    const r = await cli(['redis', '--timeout', '300', 'eval', 'while true do end', '--keys', 'k'])
    expect(r.code).toBe(EXIT.limit)
    expect(r.stderr).toMatch(/LimitExceededError/)
    expect(Date.now() - t0).toBeLessThan(30_000)
  })

  it('bad input is a usage error (exit 2) with a clear message', async () => {
    expect(await cli(['redis', '--bogus', 'PING'])).toMatchObject({
      code: EXIT.usage,
      stderr: expect.stringMatching(/UsageError: redis: Unknown option '--bogus'/),
    })
    expect(await cli(['redis', '--timeout', 'soon', 'PING'])).toMatchObject({
      code: EXIT.usage,
      stderr: expect.stringMatching(/--timeout must be a positive integer/),
    })
    expect(await cli(['redis', 'run', 'missing.txt'])).toMatchObject({
      code: EXIT.usage,
      stderr: expect.stringMatching(/cannot read 'missing.txt': ENOENT/),
    })
    writeFileSync(join(dir, 'bad.txt'), 'SET k "unclosed\n')
    expect(await cli(['redis', 'run', 'bad.txt'])).toMatchObject({
      code: EXIT.usage,
      stderr: expect.stringMatching(/bad.txt:1: unbalanced quotes/),
    })
    writeFileSync(join(dir, 'bad.json'), '{"SET": 1}')
    expect(await cli(['redis', '--data', 'bad.json', 'PING'])).toMatchObject({
      code: EXIT.usage,
      stderr: expect.stringMatching(/expected an array of commands/),
    })
    expect(await cli(['redis', 'eval', '--keys', 'k'])).toMatchObject({
      code: EXIT.usage,
      stderr: expect.stringMatching(/give the script/),
    })
    expect((await cli(['redis'])).code).toBe(EXIT.usage)
    expect((await cli(['redis', '--help'])).stdout).toContain('Usage: polyhost redis')
  })

  it('an error reply prints as redis-cli does and exits 1', async () => {
    const r = await cli(['redis', 'GET'])
    expect(r.stdout).toBe("(error) ERR wrong number of arguments for 'get' command\n")
    expect(r.code).toBe(EXIT.scriptError)
  })
})
