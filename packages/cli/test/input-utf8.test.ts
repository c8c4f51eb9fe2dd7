import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { EXIT } from '../src/index.js'
import { cliIn } from './run-cli.js'

// A byte that is not UTF-8 used to become U+FFFD without a word: `return #"<0xE9>"` printed 3
// (Lua counts 1 byte) and stdin starting with 0xFF ran as `<\239>`. The host takes scripts as
// strings, so such input is refused (exit 2), naming the input and the offset of the byte.

const dir = mkdtempSync(join(tmpdir(), 'polyhost-cli-utf8-'))
const cli = cliIn(dir)
const latin1 = (name: string, text: string) => writeFileSync(join(dir, name), Buffer.from(text, 'latin1'))
latin1('latin.lua', 'return #"\xe9"')
latin1('latin.json', '{"name": "Ren\xe9"}')
latin1('seed.txt', 'SET k "caf\xe9"\n')
writeFileSync(join(dir, 'utf8.lua'), 'return #"é"')
writeFileSync(join(dir, 'bom.lua'), '\ufeffreturn 1')

const refusal = (what: string, shown: string, byte: string, offset: number) =>
  `InvalidArgumentError: ${what}: ${shown} is not UTF-8: byte 0x${byte} at offset ${offset} (scripts and inputs must be UTF-8 text)\n`

describe('input that is not UTF-8 is refused (exit 2)', () => {
  it.each([
    ['run', ['run', 'latin.lua'], refusal('run', 'latin.lua', 'E9', 9)],
    ['check', ['check', 'latin.lua'], refusal('check', 'latin.lua', 'E9', 9)],
    ['--globals-json', ['eval', '--globals-json', 'latin.json', 'return 1'], refusal('--globals-json', 'latin.json', 'E9', 13)],
    ['--context-json', ['eval', '--context-json', 'latin.json', 'return 1'], refusal('--context-json', 'latin.json', 'E9', 13)],
    ['redis eval --file', ['redis', 'eval', '--file', 'latin.lua'], refusal('redis', 'latin.lua', 'E9', 9)],
    ['redis --data', ['redis', '--data', 'seed.txt', 'GET', 'k'], refusal('redis', 'seed.txt', 'E9', 10)],
    ['redis run', ['redis', 'run', 'seed.txt'], refusal('redis', 'seed.txt', 'E9', 10)],
  ])('%s', async (_what, args, stderr) => {
    const r = await cli(args)
    expect(r).toEqual({ code: EXIT.usage, stdout: '', stderr })
  })

  it('eval from stdin', async () => {
    const r = await cli(['eval'], new Uint8Array([0xff, 0x20, 0x72, 0x65, 0x74, 0x75, 0x72, 0x6e, 0x20, 0x31]))
    expect(r).toEqual({ code: EXIT.usage, stdout: '', stderr: refusal('eval', '<stdin>', 'FF', 0) })
  })

  it('under --json too, as one JSON object', async () => {
    const r = await cli(['run', '--json', 'latin.lua'])
    expect(r.code).toBe(EXIT.usage)
    expect(JSON.parse(r.stdout).error).toMatchObject({ name: 'InvalidArgumentError', message: expect.stringContaining('offset 9') })
  })
})

describe('UTF-8 input', () => {
  it('runs as it is: Lua counts the bytes of é', async () => {
    expect(await cli(['run', 'utf8.lua'])).toEqual({ code: EXIT.ok, stdout: '2\n', stderr: '' })
    expect(await cli(['eval'], 'return #"é"')).toEqual({ code: EXIT.ok, stdout: '2\n', stderr: '' })
  })

  it('a leading byte order mark is dropped', async () => {
    expect(await cli(['run', 'bom.lua'])).toEqual({ code: EXIT.ok, stdout: '1\n', stderr: '' })
  })
})
