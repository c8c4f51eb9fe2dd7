import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { EXIT } from '../src/index.js'
import { INPUT_FILE_BYTES } from '../src/inputs.js'
import { readStreamAtMost } from '../src/read-input.js'
import { cliIn } from './run-cli.js'

// Every input besides the script file was read with a plain readFile: a FIFO hung the command
// for good, /dev/zero grew it to hundreds of MB, and stdin was read whole before the source
// limit was checked. Now each is a regular file under a cap checked before reading (exit 2),
// and stdin stops being read once past the source limit (exit 3, as `run` of a file too big).

const dir = mkdtempSync(join(tmpdir(), 'polyhost-cli-inputs-'))
const cli = cliIn(dir)
writeFileSync(join(dir, 'ok.lua'), 'return 1')

/** Fails instead of hanging when the command waits on its input. */
const soon = <T>(p: Promise<T>) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the command hung on its input')), 5_000))])

describe.runIf(process.platform !== 'win32')('inputs that are not regular files are refused at once (exit 2)', () => {
  execFileSync('mkfifo', [join(dir, 'fifo')])
  it.each([
    ['eval --globals-json', ['eval', '--globals-json', 'fifo', 'return 1'], "--globals-json: 'fifo' is not a regular file (a FIFO)"],
    ['eval --context-json', ['eval', '--context-json', 'fifo', 'return 1'], "--context-json: 'fifo' is not a regular file (a FIFO)"],
    ['redis --data', ['redis', '--data', 'fifo', 'PING'], "redis: 'fifo' is not a regular file (a FIFO)"],
    ['redis eval --file', ['redis', 'eval', '--file', 'fifo'], "redis: 'fifo' is not a regular file (a FIFO)"],
    ['redis run', ['redis', 'run', 'fifo'], "redis: 'fifo' is not a regular file (a FIFO)"],
  ])('%s on a FIFO', async (_what, args, message) => {
    const r = await soon(cli(args))
    expect(r.code).toBe(EXIT.usage)
    expect(r.stderr).toBe(`UsageError: ${message}\n`)
  })

  it.runIf(existsSync('/dev/zero') && existsSync('/dev/urandom'))('devices that never end', async () => {
    const json = await soon(cli(['eval', '--globals-json', '/dev/zero', 'return 1']))
    expect(json).toMatchObject({
      code: EXIT.usage,
      stderr: "UsageError: --globals-json: '/dev/zero' is not a regular file (a character device)\n",
    })
    const script = await soon(cli(['redis', 'eval', '--file', '/dev/urandom']))
    expect(script).toMatchObject({
      code: EXIT.usage,
      stderr: "UsageError: redis: '/dev/urandom' is not a regular file (a character device)\n",
    })
  })
})

describe('files over the input cap are refused from their size (exit 2)', () => {
  // sparse: the size is what is checked, nothing is read
  const big = join(dir, 'big.json')
  writeFileSync(big, '')
  truncateSync(big, INPUT_FILE_BYTES + 1)

  it.each([
    ['--context-json', ['eval', '--context-json', 'big.json', 'return 1'], '--context-json'],
    ['redis --data', ['redis', '--data', 'big.json', 'PING'], 'redis'],
  ])('%s', async (_what, args, what) => {
    const r = await cli(args)
    expect(r.code).toBe(EXIT.usage)
    expect(r.stderr).toBe(`UsageError: ${what}: big.json is ${INPUT_FILE_BYTES + 1} bytes, over the limit of ${INPUT_FILE_BYTES}\n`)
  })

  it('a missing JSON file names its flag', async () => {
    const r = await cli(['eval', '--globals-json', 'missing.json', 'return 1'])
    expect(r).toMatchObject({ code: EXIT.usage, stderr: 'UsageError: --globals-json: no such file: missing.json\n' })
  })
})

describe('stdin', () => {
  it('a script over the source limit is the source limit error run gives (exit 3)', async () => {
    const r = await cli(['eval', '--policy', 'strict'], `return ${'1'.repeat(1 << 20)}`)
    expect(r.code).toBe(EXIT.limit)
    expect(r.stderr).toMatch(/^LimitExceededError: source limit exceeded \(\d+ > 1048576\)\n$/)
  })

  it('is read only until the cap is passed, then no further', async () => {
    let pulled = 0
    const endless = new Readable({
      read() {
        pulled++
        this.push(Buffer.alloc(64 * 1024, 0x20))
      },
    })
    const bytes = await readStreamAtMost(endless, 1 << 20)
    expect(bytes.length).toBeGreaterThan(1 << 20)
    expect(bytes.length).toBeLessThanOrEqual((1 << 20) + 64 * 1024)
    expect(endless.destroyed).toBe(true)
    const after = pulled
    await new Promise((r) => setTimeout(r, 50))
    expect(pulled).toBe(after)
    expect(pulled).toBeLessThan(40)
  })

  it('under the cap is read to its end', async () => {
    const bytes = await readStreamAtMost(Readable.from([Buffer.from('return '), '6 * 7']), 100)
    expect(bytes.toString()).toBe('return 6 * 7')
  })
})
