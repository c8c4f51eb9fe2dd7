import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// string.format's implementation (sprintf-js) kept a process-wide cache of every format
// spec ever seen: 621,600 distinct specs kept ~233 MB after host.close(). fengari now gets a
// private copy without that cache. Runs in a child (built packages: `pnpm run build` first).

const CHILD = fileURLToPath(new URL('./child/format-cache.mjs', import.meta.url))

describe('string.format', () => {
  it('200k distinct format specs leave no retained cache behind', () => {
    const out = JSON.parse(
      execFileSync(process.execPath, ['--expose-gc', '--max-old-space-size=1024', CHILD, '200000'], { encoding: 'utf8', timeout: 300_000 }),
    ) as { specs: number; retainedMB: number }
    expect(out.specs).toBe(200_000)
    expect(out.retainedMB).toBeLessThan(10)
  }, 300_000)
})
