import { spawnSync } from 'node:child_process'
import { closeSync, existsSync, mkdtempSync, openSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { EXIT } from '../src/index.js'
import { assertReadableStdin } from '../src/read-input.js'
import { cliIn } from './run-cli.js'

// `polyhost eval` with no code reads its script from stdin. A directory as stdin read as empty
// and a closed stdin (which Node reopens as /dev/null) gave nothing: both ran an empty script and
// exited 0 in silence, where `lua5.3 -` says "cannot read stdin" and fails. Now either is a usage
// error (exit 2). And stdin is read as `lua5.3 -` reads it, like a file: a '#' first line is
// skipped. The process tests run bin/polyhost.js, which loads dist/ (`pnpm run build` first).

const BIN = fileURLToPath(new URL('../bin/polyhost.js', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'polyhost-cli-stdin-'))
const cli = cliIn(dir)
const hasLua53 = spawnSync('lua5.3', ['-v']).status === 0

/** Runs `polyhost <args>` as a process through sh, with `redirect` applied to its stdin. */
function shell(args: string, redirect: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('sh', ['-c', `exec "$0" "$1" ${args} ${redirect}`, process.execPath, BIN], { encoding: 'utf8' })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe.runIf(process.platform !== 'win32')('stdin that holds no script is a usage error (exit 2)', () => {
  const fds: number[] = []
  const fdOf = (path: string) => {
    const fd = openSync(path, 'r')
    fds.push(fd)
    return fd
  }
  afterAll(() => {
    for (const fd of fds) closeSync(fd)
  })

  it('a directory, /dev/null and a device that never ends are refused before reading', () => {
    expect(() => assertReadableStdin(fdOf(dir), 'eval')).toThrow(
      'eval: cannot read a script from stdin: it is a directory, not a file, pipe or terminal',
    )
    expect(() => assertReadableStdin(fdOf('/dev/null'), 'eval')).toThrow('eval: stdin is closed or /dev/null')
    if (existsSync('/dev/zero')) expect(() => assertReadableStdin(fdOf('/dev/zero'), 'eval')).toThrow('it is a character device')
  })

  it('a regular file is read', () => {
    writeFileSync(join(dir, 'script.lua'), 'return 1')
    expect(() => assertReadableStdin(fdOf(join(dir, 'script.lua')), 'eval')).not.toThrow()
  })

  it('polyhost eval < a directory', () => {
    const r = shell('eval', `< '${dir}'`)
    expect(r).toEqual({
      code: EXIT.usage,
      stdout: '',
      stderr: 'UsageError: eval: cannot read a script from stdin: it is a directory, not a file, pipe or terminal\n',
    })
  })

  it('polyhost eval with stdin closed', () => {
    const r = shell('eval', '<&-')
    expect(r.code).toBe(EXIT.usage)
    expect(r.stderr).toMatch(/^UsageError: eval: stdin is closed or \/dev\/null: /)
  })

  it('a pipe and a regular file still run', () => {
    expect(shell('eval', `< '${join(dir, 'script.lua')}'`)).toEqual({ code: EXIT.ok, stdout: '1\n', stderr: '' })
    const piped = spawnSync(process.execPath, [BIN, 'eval'], { input: 'return 2', encoding: 'utf8' })
    expect({ code: piped.status, stdout: piped.stdout }).toEqual({ code: EXIT.ok, stdout: '2\n' })
    // a shell pipe is a FIFO (spawnSync's input is a socket): checking it must not upset Node's
    // module resolution, which the Lua engine then needs (a plain fstatSync did)
    const fifo = spawnSync('sh', ['-c', 'printf "return 3" | exec "$0" "$1" eval', process.execPath, BIN], { encoding: 'utf8' })
    expect({ code: fifo.status, stdout: fifo.stdout, stderr: fifo.stderr }).toEqual({ code: EXIT.ok, stdout: '3\n', stderr: '' })
  })
})

describe("a '#' first line on stdin", () => {
  const script = '#!/usr/bin/env lua\nprint(6 * 7)\nlocal x = 1\nerror("boom " .. x)\n'

  it.runIf(hasLua53)('Lua skips it and counts its line, as lua5.3 - does', async () => {
    const native = spawnSync('lua5.3', ['-'], { input: script, encoding: 'utf8' })
    const ours = await cli(['eval'], script)
    expect(ours.stdout).toBe(native.stdout)
    // lua5.3 names the chunk "stdin", the command "eval.lua": the line is what must agree
    const line = (stderr: string) => stderr.match(/:(\d+): boom 1/)?.[1]
    expect(line(native.stderr)).toBe('4')
    expect(line(ours.stderr)).toBe(line(native.stderr))
    expect(ours.code).toBe(EXIT.scriptError)
  })

  it('Lua code given as an argument is a chunk: a # line stays a syntax error, as in lua5.3 -e', async () => {
    const r = await cli(['eval', '#!lua\nreturn 1'])
    expect(r.code).toBe(EXIT.scriptError)
    expect(r.stderr).toMatch(/^ScriptSyntaxError: eval\.lua:1: /)
  })

  it('JS takes a #! first line as QuickJS does, from stdin and as an argument', async () => {
    expect(await cli(['eval', '--lang', 'js'], '#!/usr/bin/env node\n6 * 7')).toEqual({ code: EXIT.ok, stdout: '42\n', stderr: '' })
    expect((await cli(['eval', '--lang', 'js', '#!/usr/bin/env node\n6 * 7'])).stdout).toBe('42\n')
  })
})
