import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { EXIT } from '../src/index.js'
import { cliIn } from './run-cli.js'

// Careless command lines: a number JSON.parse would change (a 64-bit id, an overflow) is
// refused rather than handed to the script as another number, and `--json` answers in JSON
// also when the option parser refuses the command line.

const dir = mkdtempSync(join(tmpdir(), 'polyhost-cli-careless-'))
const cli = cliIn(dir)

describe('numbers from the command line', () => {
  it.each([
    ['an integer past 2^53', 'id=9007199254740993', '9007199254740993'],
    ['a negative one', 'id=-12345678901234567890', '-12345678901234567890'],
    ['an overflow to Infinity', 'x=1e400', '1e400'],
    ['one inside an array', 'ids=[1, 18446744073709551615]', '18446744073709551615'],
    ['one inside an object', 'o={"n": {"id": 9007199254740993}}', '9007199254740993'],
  ])('--global refuses %s', async (_what, pair, literal) => {
    const r = await cli(['eval', '--lang', 'lua', '--global', pair, 'return 1'])
    expect(r.code).toBe(EXIT.usage)
    expect(r.stderr).toContain(`the number ${literal} cannot be represented exactly`)
    expect(r.stdout).toBe('')
  })

  it('--globals-json and --context-json refuse it too', async () => {
    writeFileSync(join(dir, 'big.json'), '{"id": 9007199254740993, "s": "9007199254740993"}')
    for (const flag of ['--globals-json', '--context-json']) {
      const r = await cli(['eval', '--lang', 'js', flag, 'big.json', '1'])
      expect(r.code).toBe(EXIT.usage)
      expect(r.stderr).toContain(`${flag}: big.json: the number 9007199254740993 cannot be represented exactly`)
    }
  })

  it('keeps exact numbers, numbers in strings and text that is not JSON', async () => {
    const r = await cli([
      'eval',
      '--lang',
      'js',
      '--json',
      '--global',
      'a=9007199254740991',
      '--global',
      'b=["9007199254740993", 0.1, -0, 1e300]',
      '--global',
      'c=12345678901234567890x',
      '[a, b, c]',
    ])
    expect(r.code).toBe(EXIT.ok)
    expect(JSON.parse(r.stdout).value).toEqual([
      9007199254740991,
      ['9007199254740993', 0.1, { $number: '-0' }, 1e300],
      '12345678901234567890x',
    ])
  })
})

describe('--json when the options are refused', () => {
  it.each([
    ['a bad limit', ['eval', '--json', '--timeout', '0', 'return 1'], /--timeout must be a positive integer/],
    ['an unknown option', ['eval', '--json', '--bogus', 'return 1'], /Unknown option '--bogus'/],
    ['an unknown command', ['--json', 'evl', 'return 1'], /unknown command 'evl'/],
  ])('%s: one JSON object with the UsageError', async (_what, args, message) => {
    const r = await cli(args)
    expect(r.code).toBe(EXIT.usage)
    const out = JSON.parse(r.stdout)
    expect(out.error.name).toBe('UsageError')
    expect(out.error.message).toMatch(message)
    expect(out.value).toBeNull()
  })

  it('does not take a --json after -- for the option', async () => {
    const r = await cli(['eval', '--timeout', '0', '--', '--json'])
    expect(r.code).toBe(EXIT.usage)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/--timeout must be a positive integer/)
  })
})

// `run some.fifo` hung for good (a FIFO nobody writes to blocks a plain read), `run /dev/zero`
// read until memory ran out, and a file over the source limit was read whole first.
describe('script files that are not plain files', () => {
  it.runIf(process.platform !== 'win32')('refuses a FIFO at once: usage error', async () => {
    execFileSync('mkfifo', [join(dir, 'pipe.lua')])
    const r = await Promise.race([
      cli(['run', 'pipe.lua']),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('polyhost run hung on a FIFO')), 3_000)),
    ])
    expect(r.code).toBe(EXIT.usage)
    expect(r.stderr).toContain("'pipe.lua' is not a regular file (a FIFO)")
  })

  it.runIf(existsSync('/dev/zero'))('refuses a device', async () => {
    const r = await cli(['run', '--lang', 'lua', '/dev/zero'])
    expect(r.code).toBe(EXIT.usage)
    expect(r.stderr).toContain("'/dev/zero' is not a regular file (a character device)")
  })

  it('refuses a file over the source limit before reading it: limit exit code', async () => {
    writeFileSync(join(dir, 'big.lua'), `return ${'1'.repeat(2 << 20)}`)
    const r = await cli(['run', 'big.lua'])
    expect(r.code).toBe(EXIT.limit)
    expect(r.stderr).toContain('source limit exceeded')
  })
})
