import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

/** Runs `test/child-attack/<name>` (built dist/) with a `heapMb` heap; its JSON line (a crash rejects). */
function inChild(name: string, heapMb: number, args: string[] = []): Promise<Record<string, number>> {
  const file = fileURLToPath(new URL(`./child-attack/${name}`, import.meta.url))
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [`--max-old-space-size=${heapMb}`, '--expose-gc', file, ...args],
      { timeout: 600_000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`the host process died (${err.signal ?? err.code}): ${stderr.slice(-300)}`))
        else resolve(JSON.parse(stdout.trim()))
      },
    )
  })
}

describe('what tenant scripts can make the host hold', () => {
  // Kept by count only (500), compiled scripts of 200 KB (~11.5 MB of heap each) filled a
  // 256 MB heap after some 15 scripts: V8's fatal out-of-memory error.
  it('distinct big EVAL scripts do not fill a 256 MB heap: the compiled-script cache is bounded by size', async () => {
    const r = await inChild('compile-many.mjs', 256, ['25'])
    expect(r.ran).toBe(25)
  }, 600_000)

  // Stored as slices of Node's 8 KiB buffer pool, each 1-byte element kept a slab alive when
  // the script made other pooled buffers between its writes: 506 MB under maxBytes 8 MB.
  it('stored elements hold about what the store counts, whatever buffers the script made between its writes', async () => {
    const r = await inChild('pool-slabs.mjs', 1024)
    expect(r.elements).toBeGreaterThan(1000)
    expect(r.grew).toBeLessThan(3 * (r.maxBytes as number))
  }, 600_000)
})
