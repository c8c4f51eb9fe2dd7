import { expect } from 'vitest'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'

// Runs JS sources inline in a child process (run-js.mjs, built packages: `pnpm run build`
// first) that is killed after 45 s: a builtin that holds the host thread fails its test
// instead of hanging the runner.

const RUN_JS = fileURLToPath(new URL('./run-js.mjs', import.meta.url))
/** A run's limits unless a test gives others: 100 ms, 16 MiB. */
export const LIMITS = { timeoutMs: 100, memoryBytes: 16 * 2 ** 20 }

/** One source's outcome in the child: its error or value, and how long it took. */
export interface Outcome {
  readonly error?: { name: string; limit?: string; message: string }
  readonly value?: unknown
  readonly ms: number
}

/** Runs each source in one child process under `limits` (LIMITS by default). */
export function runInline(sources: readonly string[], limits: object = LIMITS): Promise<Outcome[]> {
  const spec = JSON.stringify({ sources, limits })
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [RUN_JS, spec], { timeout: 45_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`child held on or failed (${err.signal ?? err.code}): ${stderr.slice(-300)}`))
      else
        resolve(
          stdout
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l) as Outcome),
        )
    })
  })
}

/**
 * Runs each walk, then `after` (on the same host): every walk must stop at once with the
 * sandbox's array-length RangeError, and `after` must still give `expected`.
 */
export async function expectWalksRefused(walks: Readonly<Record<string, string>>, after: string, expected: unknown): Promise<void> {
  const outcomes = await runInline([...Object.values(walks), after])
  const names = Object.keys(walks)
  for (const [i, name] of names.entries()) {
    const o = outcomes[i] as Outcome
    expect(o.error?.message, name).toMatch(/RangeError: array length \d+ is over the sandbox limit/)
    expect(o.ms, name).toBeLessThan(3_000)
  }
  expect(outcomes[names.length]?.value).toBe(expected)
}

/**
 * Runs each call under `limits` after an untimed first execution (which also makes the state),
 * then `'after'`: every call must end with the timeout within `boundMs`, and the host must still
 * run the next script.
 */
export async function expectEachTimesOut(calls: Readonly<Record<string, string>>, limits: object, boundMs: number): Promise<void> {
  const outcomes = (await runInline(["'warm'", ...Object.values(calls), "'after'"], limits)).slice(1)
  for (const [i, name] of Object.keys(calls).entries()) {
    const o = outcomes[i]
    expect(o?.error?.limit, name).toBe('timeout')
    expect(o?.ms, name).toBeLessThan(boundMs)
  }
  expect(outcomes.at(-1)?.value).toBe('after')
}
