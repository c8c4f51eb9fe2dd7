import { main } from '../src/index.js'

/** What one in-process CLI run printed and its exit code. */
export interface CliRun {
  code: number
  stdout: string
  stderr: string
}

/**
 * A CLI runner for tests: runs `main` in-process in `cwd`, with `stdin` (text or bytes) as standard input,
 * and collects what it writes.
 */
export function cliIn(cwd: string): (args: string[], stdin?: string | Uint8Array) => Promise<CliRun> {
  return async (args, stdin = '') => {
    let stdout = ''
    let stderr = ''
    const code = await main(args, {
      stdout: (t) => void (stdout += t),
      stderr: (t) => void (stderr += t),
      readStdin: async () => (typeof stdin === 'string' ? Buffer.from(stdin) : stdin),
      cwd,
    })
    return { code, stdout, stderr }
  }
}
