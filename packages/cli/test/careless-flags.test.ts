import { describe, expect, it } from 'vitest'
import { UsageError } from '../src/exit-codes.js'
import { EXIT, main, parseCli } from '../src/index.js'

// Careless flags: `--lang` given the code (`polyhost eval --lang 'return 1'`) names the unknown
// language before stdin is touched (it read stdin and reported that there was no script to
// read), and a `--global` given twice is refused instead of keeping the last one.

async function evalWithClosedStdin(args: string[]): Promise<{ code: number; stderr: string; stdinRead: boolean }> {
  let stderr = ''
  let stdinRead = false
  const code = await main(args, {
    stdout: () => {},
    stderr: (t) => void (stderr += t),
    readStdin: async () => {
      stdinRead = true
      throw new UsageError('eval: stdin is closed or /dev/null: there is no script to read (pass the code as an argument)')
    },
    cwd: process.cwd(),
  })
  return { code, stderr, stdinRead }
}

describe('--lang', () => {
  it('given the code instead of a language, names the unknown language and leaves stdin unread', async () => {
    const r = await evalWithClosedStdin(['eval', '--lang', 'return 1'])
    expect(r.code).toBe(EXIT.usage)
    expect(r.stderr).toContain("unknown language 'return 1' (known: ")
    expect(r.stderr).not.toContain('no script to read')
    expect(r.stdinRead).toBe(false)
  })

  it('a known language still reads the script from stdin', async () => {
    const r = await evalWithClosedStdin(['eval', '--lang', 'js'])
    expect(r.code).toBe(EXIT.usage)
    expect(r.stderr).toContain('no script to read')
  })
})

describe('--global', () => {
  it('given twice for one name is a usage error naming it (parseCli)', () => {
    expect(() => parseCli(['eval', '--global', 'a=1', '--global', 'a=2', 'return a'])).toThrow(UsageError)
    expect(() => parseCli(['eval', '--global', 'a=1', '--global', 'a=2', 'return a'])).toThrow("--global 'a' is given twice")
    expect(parseCli(['eval', '--global', 'a=1', '--global', 'b=2', 'return a']).globals).toEqual({ a: 1, b: 2 })
  })

  it('given twice is refused by the command, with nothing run', async () => {
    let stdout = ''
    let stderr = ''
    const code = await main(['eval', '--lang', 'lua', '--global', 'a=1', '--global', 'a=2', 'return a'], {
      stdout: (t) => void (stdout += t),
      stderr: (t) => void (stderr += t),
      readStdin: async () => Buffer.from(''),
      cwd: process.cwd(),
    })
    expect(code).toBe(EXIT.usage)
    expect(stderr).toContain("--global 'a' is given twice")
    expect(stdout).toBe('')
  })
})
