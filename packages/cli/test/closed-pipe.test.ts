import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// `polyhost eval … | head -n 1`: the reader closes the pipe after its first bytes and every
// later write fails with EPIPE. That used to be an unhandled 'error' event: a stack trace on
// stderr and exit 1 whatever the run did. Now the rest of the output is dropped and the command
// exits with the run's own code. The command runs as a process here (bin/polyhost.js loads
// dist/: `pnpm run build` first).

const BIN = fileURLToPath(new URL('../bin/polyhost.js', import.meta.url))

/** Runs the CLI, reads its first stdout bytes, then closes that pipe as `head -c` would. */
function runClosingStdout(args: string[]): Promise<{ code: number | null; first: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let first = ''
    let stderr = ''
    child.stdout.once('data', (d: Buffer) => {
      first = d.toString().slice(0, 10)
      child.stdout.destroy()
    })
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
    })
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, first, stderr }))
  })
}

describe('stdout closed early by its reader', () => {
  it('a script printing in a loop ends quietly with exit 0', async () => {
    const r = await runClosingStdout(['eval', '--lang', 'lua', 'for i = 1, 20000 do print(i) end'])
    expect(r.first).toMatch(/^1\n/)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
  })

  it('a large value ends quietly with exit 0', async () => {
    const r = await runClosingStdout(['eval', '--lang', 'lua', 'return string.rep("x", 5e6)'])
    expect(r.first).toBe('xxxxxxxxxx')
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
  })

  it('a run that fails after printing keeps its exit code and its error line on stderr', async () => {
    const r = await runClosingStdout(['eval', '--lang', 'js', 'for (let i = 0; i < 20000; i++) console.log(i); throw new Error("boom")'])
    expect(r.first).toMatch(/^0\n/)
    expect(r.stderr).toMatch(/^ScriptRuntimeError: .*boom\n$/)
    expect(r.code).toBe(1)
  })
})
