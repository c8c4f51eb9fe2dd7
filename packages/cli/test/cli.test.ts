import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PolicyError, ScriptSyntaxError } from '@polyhost/core'
import { EXIT, exitCodeFor, parseSize } from '../src/index.js'
import { cliIn } from './run-cli.js'

const dir = mkdtempSync(join(tmpdir(), 'polyhost-cli-'))
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text)
  return name
}

const cli = cliIn(dir)

describe('polyhost run', () => {
  it('runs a Lua file with globals and prints logs then the value', async () => {
    const f = file('a.lua', 'print("hi " .. who) return n * 2')
    const r = await cli(['run', f, '--global', 'who=bob', '--global', 'n=21'])
    expect(r).toEqual({ code: EXIT.ok, stdout: 'hi bob\n42\n', stderr: '' })
  })

  it("runs and checks a Lua file whose first line is '#!', counting that line as lua5.3's file loader does", async () => {
    const f = file('hashbang.lua', '#!/usr/bin/env lua\nlocal x = 1\nerror("boom " .. x)')
    const r = await cli(['run', f])
    expect(r.code).toBe(EXIT.scriptError)
    expect(r.stderr).toContain('hashbang.lua:3: boom 1')
    expect((await cli(['check', f])).code).toBe(EXIT.ok)
    expect((await cli(['run', file('hashbang2.lua', '#!lua\nreturn 6 * 7')])).stdout).toBe('42\n')
  })

  it('runs a JS file and prints one JSON object under --json', async () => {
    const f = file('b.js', 'console.log("x"); ({ sum: a + b })')
    const r = await cli(['run', f, '--global', 'a=1', '--global', 'b=2', '--json'])
    expect(r.code).toBe(EXIT.ok)
    const out = JSON.parse(r.stdout)
    expect(out.value).toEqual({ sum: 3 })
    expect(out.logs.map((l: { message: string }) => l.message)).toEqual(['x'])
    expect(out.error).toBeNull()
    expect(out.stats.engine).toBe('js')
  })

  it('--json keeps the type of bigints and non-finite numbers, as the playground writes them', async () => {
    // before: ["1","1","NaN","NaN","Infinity","-Infinity"], a bigint and its digits alike
    const r = await cli(['eval', '--json', '--lang', 'js', '["1", 1n, "NaN", NaN, Infinity, -Infinity, -0]'])
    expect(r.code).toBe(EXIT.ok)
    const out = JSON.parse(r.stdout)
    const want = ['1', { $bigint: '1' }, 'NaN', { $number: 'NaN' }, { $number: 'Infinity' }, { $number: '-Infinity' }, { $number: '-0' }]
    expect(out.value).toEqual(want)
    expect(out.values).toEqual([want])
    const lua = JSON.parse((await cli(['eval', '--json', 'return 0/0, -1/0, "inf", -0.0, 0.0'])).stdout)
    expect(lua.values).toEqual([{ $number: 'NaN' }, { $number: '-Infinity' }, 'inf', { $number: '-0' }, 0])
  })

  it('reads globals and context from JSON files', async () => {
    const g = file('g.json', '{"x": 5}')
    const c = file('c.json', '{"tenant": "t1"}')
    const f = file('c.lua', 'return context.tenant .. ":" .. x')
    const r = await cli(['run', f, '--globals-json', g, '--context-json', c])
    expect(r.stdout).toBe('t1:5\n')
  })

  it('exit 1 and one line for a runtime error', async () => {
    const f = file('err.lua', 'local x = 1\nerror("boom")')
    const r = await cli(['run', f])
    expect(r.code).toBe(EXIT.scriptError)
    expect(r.stderr).toMatch(/^ScriptRuntimeError: .*boom\n$/)
    expect(r.stderr).not.toContain(dir)
  })

  it('exit 3 for a limit trip, JSON error under --json', async () => {
    const f = file('loop.lua', 'while true do end')
    const r = await cli(['run', f, '--timeout', '100', '--json'])
    expect(r.code).toBe(EXIT.limit)
    const out = JSON.parse(r.stdout)
    expect(out.error.name).toBe('LimitExceededError')
    expect(['timeout', 'instructions']).toContain(out.error.limit)
  })

  it('exit 3 for an instruction budget', async () => {
    const r = await cli(['eval', '--lang', 'js', '--instructions', '1000', 'for(;;){}'])
    expect(r.code).toBe(EXIT.limit)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
  })
})

describe('polyhost eval and check', () => {
  it('evaluates code from the argument and from stdin', async () => {
    expect((await cli(['eval', '--lang', 'lua', 'return 1 + 1'])).stdout).toBe('2\n')
    expect((await cli(['eval', '--lang', 'js'], '6 * 7')).stdout).toBe('42\n')
    expect((await cli(['eval', '--lang', 'lua', '-'], 'return "in"')).stdout).toBe('in\n')
  })

  it('eval without --lang runs Lua, the default --help states', async () => {
    const help = await cli(['--help'])
    expect(help.stdout).toMatch(/--lang <lua\|js> .*eval: lua\)/)
    expect(await cli(['eval', 'return 1'])).toEqual({ code: EXIT.ok, stdout: '1\n', stderr: '' })
    expect((await cli(['eval'], 'return _VERSION')).stdout).toMatch(/^Lua 5\.\d\n$/)
    const js = await cli(['eval', '[1, 2].length'])
    expect(js.code).toBe(EXIT.scriptError)
    expect(js.stderr).toMatch(/^ScriptSyntaxError: eval\.lua:1: /)
  })

  it('a Lua nil prints as nil, a missing result as nothing', async () => {
    expect((await cli(['eval', 'return nil'])).stdout).toBe('nil\n')
    expect((await cli(['eval', 'return 1, nil, 3'])).stdout).toBe('1\nnil\n3\n')
    expect((await cli(['eval', 'return'])).stdout).toBe('')
    expect((await cli(['eval', '--lang', 'js', 'null'])).stdout).toBe('null\n')
  })

  it('check reports syntax errors with exit 1 and ok otherwise', async () => {
    expect(await cli(['check', file('ok.lua', 'return 1')])).toEqual({ code: 0, stdout: 'ok\n', stderr: '' })
    const bad = await cli(['check', file('bad.js', 'let = ;')])
    expect(bad.code).toBe(EXIT.scriptError)
    expect(bad.stderr).toMatch(/^ScriptSyntaxError: /)
  })

  it('strict has no dynamic code: calling load is a script error', async () => {
    const r = await cli(['eval', '--lang', 'lua', '--policy', 'strict', 'return load("return 1")()'])
    expect(r.code).toBe(EXIT.scriptError)
    expect(r.stderr).toMatch(/load/)
    expect(r.stderr.split('\n')).toHaveLength(2)
  })
})

describe('usage errors (exit 2, one line)', () => {
  const cases: [string, string[], RegExp][] = [
    ['unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
    ['unknown flag', ['run', 'x.lua', '--nope'], /Unknown option '--nope'/],
    ['missing file', ['run', 'missing.lua'], /no such file: missing\.lua/],
    ['unknown extension', ['run', file('x.txt', '1')], /cannot tell the language/],
    ['unknown language', ['eval', '--lang', 'cobol', '1'], /unknown language 'cobol'/],
    ['negative timeout', ['eval', '--lang', 'lua', '--timeout=-5', '1'], /--timeout must be a positive integer, got '-5'/],
    ['non-numeric timeout', ['eval', '--lang', 'lua', '--timeout', 'soon', '1'], /--timeout must be a positive integer, got 'soon'/],
    ['timeout without a value', ['eval', '--lang', 'lua', '--timeout', '-5', '1'], /Option '--timeout' argument is ambiguous/],
    ['bad memory', ['eval', '--lang', 'lua', '--memory', 'lots', '1'], /cannot read size 'lots'/],
    ['bad policy', ['eval', '--lang', 'lua', '--policy', 'lax', '1'], /--policy must be one of/],
    ['bad global', ['eval', '--lang', 'lua', '--global', 'novalue', '1'], /--global expects key=value/],
    // flags without a command, as under --json (before: the help text, exit 0)
    ['--stats without a command', ['--stats'], /^UsageError: a command is required \(expected run, eval, /],
    ['options without a command', ['--lang', 'lua', '--policy', 'strict'], /^UsageError: a command is required/],
    ['only --', ['--'], /^UsageError: a command is required/],
  ]
  for (const [what, args, message] of cases) {
    it(what, async () => {
      const r = await cli(args)
      expect(r.code).toBe(EXIT.usage)
      expect(r.stderr).toMatch(message)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
    })
  }

  it('--json without a command: one JSON usage error, exit 2 (before: the help text, exit 0)', async () => {
    for (const args of [['--json'], ['--json', '--stats']]) {
      const r = await cli(args)
      expect(r.code).toBe(EXIT.usage)
      expect(r.stderr).toBe('')
      expect(r.stdout.trim().split('\n')).toHaveLength(1)
      expect(JSON.parse(r.stdout)).toEqual({
        value: null,
        values: [],
        stats: null,
        logs: [],
        error: { name: 'UsageError', code: 'E_USAGE', message: expect.stringMatching(/^a command is required \(expected run, eval, /) },
      })
    }
    // the help asked for, and no arguments at all, are as before
    expect((await cli(['--json', '--help'])).code).toBe(EXIT.ok)
    expect(await cli(['--stats', '-h'])).toMatchObject({ code: EXIT.ok, stdout: expect.stringMatching(/^Usage/) })
    expect(await cli([])).toMatchObject({ code: EXIT.usage, stdout: expect.stringMatching(/^Usage/) })
  })

  it('maps typed errors to exit codes', () => {
    expect(exitCodeFor(new PolicyError('limits.timeoutMs', 'no'))).toBe(EXIT.policy)
    expect(exitCodeFor(new ScriptSyntaxError('bad', 'x.lua', 1))).toBe(EXIT.scriptError)
  })

  it('parses sizes', () => {
    expect(parseSize('32MB')).toBe(32 * 1024 * 1024)
    expect(parseSize('512k')).toBe(512 * 1024)
    expect(parseSize('1GiB')).toBe(1024 ** 3)
    expect(parseSize('100')).toBe(100)
  })
})
