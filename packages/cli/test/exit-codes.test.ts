import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EXIT, playgroundCommand } from '../src/index.js'
import { cliIn } from './run-cli.js'

// A bad command line is exit 2 with a message naming what is wrong: a config that throws, a
// --host or --port the playground cannot listen on, a flag value out of range (which the host
// used to refuse as a policy error, exit 4), an unknown command.

const dir = mkdtempSync(join(tmpdir(), 'polyhost-cli-exit-'))
const cli = cliIn(dir)

describe('a config whose default export throws', () => {
  it.each([
    ['a string', 'export default () => { throw "nope" }'],
    ['an Error', 'export default async () => { throw new Error("nope") }'],
  ])('is a usage error when it throws %s', async (_what, text) => {
    writeFileSync(join(dir, 'throws.mjs'), text)
    const r = await cli(['types', '--lang', 'js', '--config', 'throws.mjs'])
    expect(r.code).toBe(EXIT.usage)
    expect(r.stderr).toBe('UsageError: --config: throws.mjs: its default export threw: nope\n')
  })
})

describe('a config that cannot be read or is of the wrong shape', () => {
  it.each([
    ['a getter that throws', 'export default { get policy() { throw new Error("getter") } }', /could not be read \(getter\)/],
    ['a Proxy', 'export default new Proxy({}, { ownKeys() { throw new Error("keys") } })', /could not be read \(keys\)/],
    ['bridges that are no array', 'export default { bridges: 5 }', /bridges must be an array/],
    ['modules that are no array', 'export default { modules: { length: 1 } }', /modules must be an array/],
    ['a bridge that is no object', 'export default { bridges: [null] }', /invalid bridge/],
    ['engines, which the CLI brings itself (before: silently ignored)', 'export default { engines: [] }', /: engines: not taken/],
    ['a default export that is a rejected promise', 'export default Promise.reject(new Error("later"))', /its default export threw: later/],
    [
      'a thrown value that cannot be printed',
      'export default () => { throw { toString() { throw 1 } } }',
      /threw: a value that cannot be printed/,
    ],
  ])('is a usage error naming --config: %s', async (_what, text, message) => {
    // each text is a new module: the cache of import() must not answer the previous one
    const name = `odd-${Math.random().toString(36).slice(2)}.mjs`
    writeFileSync(join(dir, name), text)
    const r = await cli(['types', '--lang', 'js', '--config', name])
    expect(r.stderr).toMatch(new RegExp(`^UsageError: --config: (${name}: )?`))
    expect(r.stderr).toMatch(message)
    expect(r.code).toBe(EXIT.usage)
  })

  it('awaits a default export that is a promise of a config: its fields count (before: ignored)', async () => {
    writeFileSync(join(dir, 'later.mjs'), 'export default Promise.resolve({ bridges: 5 })')
    const r = await cli(['types', '--lang', 'js', '--config', 'later.mjs'])
    expect(r).toMatchObject({ code: EXIT.usage, stderr: 'UsageError: --config: later.mjs: bridges must be an array\n' })
    writeFileSync(join(dir, 'later-ok.mjs'), 'export default Promise.resolve({ policy: "strict" })')
    expect(await cli(['types', '--lang', 'js', '--config', 'later-ok.mjs'])).toMatchObject({ code: EXIT.ok, stderr: '' })
  })
})

describe('playground addresses it cannot listen on', () => {
  let busy: Server
  let busyPort = 0
  beforeAll(async () => {
    busy = createServer()
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve))
    busyPort = (busy.address() as { port: number }).port
  })
  afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())))

  it('a --host that does not resolve is a usage error', async () => {
    const r = await cli(['playground', '--host', '999.1.1.1', '--port', '0'])
    expect(r.code).toBe(EXIT.usage)
    expect(r.stderr).toMatch(
      /^UsageError: playground: cannot listen on --host 999\.1\.1\.1 --port 0: cannot resolve host '999\.1\.1\.1' \(E[A-Z_]+\)\n$/,
    )
  })

  it('a port in use is a usage error naming the port', async () => {
    const r = await cli(['playground', '--port', String(busyPort)])
    expect(r.code).toBe(EXIT.usage)
    expect(r.stderr).toContain(`port ${busyPort} is already in use (EADDRINUSE)`)
  })

  it('still serves on a free port (the error path does not catch a normal start)', async () => {
    let stderr = ''
    const io = { stdout: () => {}, stderr: (t: string) => void (stderr += t), readStdin: async () => new Uint8Array(), cwd: dir }
    const done = playgroundCommand(['--port', '0'], io, Promise.resolve())
    expect(await done).toBe(EXIT.ok)
    expect(stderr).toMatch(/playground on http:\/\/127\.0\.0\.1:\d+/)
  })
})

describe('flag values out of range are refused when parsed (exit 2), not by the policy (exit 4)', () => {
  it.each([
    [['run', 'x.lua', '--timeout', '99999999999'], "--timeout must be at most 2147483647 ms (a longer timer overflows), got '99999999999'"],
    [
      ['eval', '--timeout', '2147483648', 'return 1'],
      "--timeout must be at most 2147483647 ms (a longer timer overflows), got '2147483648'",
    ],
    [
      ['eval', '--memory', '99999999999999999999GB', 'return 1'],
      "--memory must be at most 9007199254740991 bytes, got '99999999999999999999GB'",
    ],
    [
      ['redis', '--timeout', '99999999999', 'PING'],
      "redis: --timeout must be at most 2147483647 ms (a longer timer overflows), got '99999999999'",
    ],
  ])('%j', async (args, message) => {
    const r = await cli(args)
    expect(r.code).toBe(EXIT.usage)
    expect(r.stderr).toBe(`UsageError: ${message}\n`)
  })

  it('the largest timeout a timer holds is accepted', async () => {
    const r = await cli(['eval', '--timeout', '2147483647', 'return 1'])
    expect(r).toEqual({ code: EXIT.ok, stdout: '1\n', stderr: '' })
  })
})

describe('an unknown command', () => {
  it('names every command there is', async () => {
    const r = await cli(['frob'])
    expect(r.code).toBe(EXIT.usage)
    expect(r.stderr).toBe("UsageError: unknown command 'frob' (expected run, eval, check, types, playground or redis)\n")
  })
})
