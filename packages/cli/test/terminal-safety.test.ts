import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cliIn } from './run-cli.js'

// Characters a script must not be able to put on the operator's terminal raw: C0 controls
// (but newline and tab), DEL, C1 controls (0x9b is an 8-bit CSI), whole escape sequences
// (erase line, an OSC 52 clipboard write), bidi embeddings/overrides/isolates (Trojan Source),
// and invisible formatting characters.
const CORPUS: readonly string[] = [
  '\x01',
  '\x07',
  '\x08',
  '\x0b',
  '\x0c',
  '\r',
  '\x1b',
  '\x7f',
  '\x85',
  '\x9b',
  '\x9d',
  '\x1b[2K',
  '\x1b[31mred\x1b[0m',
  '\x1b]52;c;aGk=\x07',
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  '\u202e',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u061c',
  '\u200b',
  '\u200e',
  '\u200f',
  '\u2028',
  '\u2029',
  '\u2060',
  '\ufeff',
  // last: engine-js cuts console.log text at a NUL, and the rest should still be checked
  '\x00',
]
const PAYLOAD = `<${CORPUS.join('|')}>`

/** Any of these in the output means a corpus character got through raw. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const RAW = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]/u

// every non-printable character as \u{..}: the same literal reads alike in Lua 5.3 and JS
const literal = (s: string) =>
  `"${[...s].map((c) => (/[ -~]/.test(c) ? c : `\\u{${(c.codePointAt(0) as number).toString(16)}}`)).join('')}"`
const P = literal(PAYLOAD)

const dir = mkdtempSync(join(tmpdir(), 'polyhost-cli-tty-'))

const cli = cliIn(dir)

function expectNoRaw(r: { stdout: string; stderr: string }): void {
  const hit = RAW.exec(r.stdout + r.stderr)
  expect(hit && `U+${(hit[0].codePointAt(0) as number).toString(16).padStart(4, '0')}`).toBeNull()
}

const scripts = {
  lua: {
    error: `error(${P})`,
    print: `print(${P}) return 1`,
    value: `return ${P}`,
    table: `return { [${P}] = ${P} }`,
    logThenError: `print("before " .. ${P}) error("after")`,
  },
  js: {
    error: `throw new Error(${P})`,
    print: `console.log(${P}); 1`,
    consoleError: `console.error(${P}); 1`,
    value: `${P}`,
    table: `({ [${P}]: ${P} })`,
    logThenError: `console.error("before " + ${P}); throw new Error("after")`,
  },
} as const

describe('script text reaches the terminal escaped', () => {
  for (const [lang, cases] of Object.entries(scripts)) {
    for (const [what, source] of Object.entries(cases)) {
      for (const json of [false, true]) {
        it(`${lang} ${what}${json ? ' --json' : ''}`, async () => {
          const r = await cli(['eval', '--lang', lang, ...(json ? ['--json'] : []), source])
          expectNoRaw(r)
          // the payload is there to read, as escapes (util.inspect writes \x1B)
          expect(r.stdout + r.stderr).toMatch(json ? /\\u001b\[2K/ : /\\x1b\[2K/i)
          expect(r.stdout + r.stderr).toContain('\\u202e')
          if (json) JSON.parse(r.stdout)
        })
      }
    }
  }

  it('every corpus character is shown as an escape in pretty output', async () => {
    const r = await cli(['eval', '--lang', 'js', `${P}`])
    expectNoRaw(r)
    expect(r.stdout).toBe(
      '<\\x01|\\x07|\\x08|\\x0b|\\x0c|\\r|\\x1b|\\x7f|\\x85|\\x9b|\\x9d|\\x1b[2K|\\x1b[31mred\\x1b[0m|' +
        '\\x1b]52;c;aGk=\\x07|\\u202a|\\u202b|\\u202c|\\u202d|\\u202e|\\u2066|\\u2067|\\u2068|\\u2069|\\u061c|' +
        '\\u200b|\\u200e|\\u200f|\\u2028|\\u2029|\\u2060|\\ufeff|\\x00>\n',
    )
  })

  it('keeps newlines and tabs in printed lines, and plain text as it is', async () => {
    const r = await cli(['eval', '--lang', 'lua', 'print("a\\tb\\nc") return "x\\ny é 😀 👩‍👩‍👧"'])
    expect(r.stdout).toBe('a\tb\nc\nx\ny é 😀 👩‍👩‍👧\n')
  })
})

describe('polyhost redis replies reach the terminal escaped', () => {
  // the payload comes in as an argument, and goes out as a bulk, a status and an error reply
  const source = 'return {ARGV[1], redis.status_reply(ARGV[1]), redis.error_reply(ARGV[1])}'
  for (const json of [false, true]) {
    it(`redis eval${json ? ' --json' : ''}`, async () => {
      const r = await cli(['redis', ...(json ? ['--json'] : []), 'eval', source, '--args', PAYLOAD])
      expectNoRaw(r)
      expect(r.stdout).toContain(json ? '\\u202e' : '\\xe2\\x80\\xae')
      if (!json) return
      const [bulk, status, error] = JSON.parse(r.stdout)
      expect(bulk).toBe(PAYLOAD)
      expect(status).toContain('\u009b|\u009d')
      expect(error.error).toContain('\u202a|\u202b')
    })
  }
})

describe('logs printed before an error are kept', () => {
  const failing = {
    lua: 'print("one") print("two\\27[2K") error("after")',
    js: 'console.log("one"); console.error("two\\x1b[2K"); throw new Error("after")',
  }
  for (const lang of ['lua', 'js'] as const) {
    it(`${lang}: pretty prints them before the error line`, async () => {
      const r = await cli(['eval', '--lang', lang, failing[lang]])
      expect(r.code).toBe(1)
      expect(r.stdout).toBe(lang === 'lua' ? 'one\ntwo\\x1b[2K\n' : 'one\n')
      expect(r.stderr).toMatch(lang === 'lua' ? /^ScriptRuntimeError: .*after\n$/ : /^two\\x1b\[2K\nScriptRuntimeError: .*after\n$/)
    })

    it(`${lang}: --json lists them with the error`, async () => {
      const r = await cli(['eval', '--lang', lang, '--json', failing[lang]])
      expect(r.code).toBe(1)
      expect(r.stdout).not.toContain('\x1b')
      const out = JSON.parse(r.stdout)
      expect(out.logs.map((l: { message: string }) => l.message)).toEqual(['one', 'two\x1b[2K'])
      expect(out.error.message).toMatch(/after/)
    })
  }

  it('a limit trip keeps the lines before it', async () => {
    const r = await cli(['eval', '--lang', 'js', '--instructions', '100000', 'console.log("started"); for (;;) {}'])
    expect(r.code).toBe(3)
    expect(r.stdout).toBe('started\n')
    expect(r.stderr).toMatch(/^LimitExceededError: /)
  })
})

describe('file names are escaped the same way', () => {
  // a file name may hold any character but '/' and NUL; Lua shows at most 60 bytes of it,
  // so the corpus is spread over names of a few characters each
  const groups: string[][] = [[]]
  for (const c of CORPUS.filter((x) => x !== '\x00')) {
    const last = groups[groups.length - 1] as string[]
    if (Buffer.byteLength(last.join('|') + c) > 40) groups.push([c])
    else last.push(c)
  }
  const name = (group: readonly string[], ext: string) => `f<${group.join('|')}>${ext}`

  for (const [ext, source] of [
    ['.lua', 'local x = 1\nerror("boom")'],
    ['.lua', 'return +'],
    ['.js', 'let x = 1\nthrow new Error("boom")'],
    ['.js', 'let = ;'],
  ] as const) {
    for (const group of groups) {
      for (const json of [false, true]) {
        it(`${ext} ${source.slice(-12)} ${JSON.stringify(group).slice(0, 20)}${json ? ' --json' : ''}`, async () => {
          const f = name(group, ext)
          writeFileSync(join(dir, f), source)
          const r = await cli(['run', f, ...(json ? ['--json'] : [])])
          expect(r.code).toBe(1)
          expectNoRaw(r)
          // engine-js drops the position (and so the name) of an error when the name holds
          // a line terminator (CR, U+2028, U+2029); --json always carries scriptName
          if (json || ext === '.lua') expect(r.stdout + r.stderr).toContain('f<')
        })
      }
    }
  }

  it('in usage errors: a missing file and an unknown extension', async () => {
    const all = CORPUS.filter((x) => x !== '\x00')
    const missing = await cli(['run', name(all, '.gone.lua')])
    expect(missing.code).toBe(2)
    expectNoRaw(missing)
    expect(missing.stderr).toContain('\\x1b[2K')
    writeFileSync(join(dir, name(all, '.txt')), '1')
    const unknown = await cli(['run', name(all, '.txt')])
    expect(unknown.code).toBe(2)
    expectNoRaw(unknown)
    expect(unknown.stderr).toContain('\\u202e')
    const command = await cli([`x${PAYLOAD}`])
    expect(command.code).toBe(2)
    expectNoRaw(command)
  })
})
