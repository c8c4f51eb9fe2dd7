import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const CHILD = fileURLToPath(new URL('./child/compile-cache.mjs', import.meta.url))

function run(n: number): Promise<{ retainedMB: number; cacheMB: number; entries: number }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--expose-gc', '--max-old-space-size=768', CHILD, String(n)],
      { timeout: 120_000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`child failed: ${stderr.slice(-400)}`))
        else resolve(JSON.parse(stdout))
      },
    )
  })
}

// A compiled Lua chunk keeps 10–50× its source in fengari objects. The cache used to be sized
// by source bytes: 100 distinct 64 KB chunks (6.3 MB of source) kept ~170 MB of heap under
// the 64 MiB default. It is now sized by the engine's estimate of what each chunk retains.
describe('the compile cache is bounded by what compiled Lua retains', () => {
  it('100 distinct 64 KB chunks keep no more heap than the default 64 MiB budget, plus 25 %', async () => {
    const r = await run(100)
    expect(r.cacheMB).toBeLessThanOrEqual(64)
    expect(r.entries).toBeLessThan(100)
    expect(r.retainedMB, JSON.stringify(r)).toBeLessThan(64 * 1.25)
  }, 150_000)
})
