import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Limits, PolicyInput } from '@polyhost/core'
import type { LuaEngineOptions } from '../src/index.js'

/** What child/run-lua.mjs reports. */
export interface ChildRun {
  readonly error?: { name: string; limit?: string; used?: number; max?: number; message: string }
  readonly values?: unknown[]
  /** The length of each captured log line. */
  readonly logLengths?: number[]
  readonly ms: number
  /** Peak RSS during the run above the RSS before it. */
  readonly rssGrowthMB: number
  /** The next script's value on the same host (42: the host still works). */
  readonly after: number
}

const RUN_LUA = fileURLToPath(new URL('./child/run-lua.mjs', import.meta.url))

/**
 * Runs `source` (or the source the JS expression `build` makes) in a child Node with a capped heap (built packages, dist/;
 * `engine`: luaEngine's options): a script that
 * blows the heap kills the child, never the test runner. Rejects with the child's stderr
 * tail when it dies.
 */
export function runInChild(
  source: string,
  opts: { limits?: Limits; policy?: PolicyInput; heapMB?: number; killAfterMs?: number; build?: string; engine?: LuaEngineOptions } = {},
): Promise<ChildRun> {
  const spec = { source, build: opts.build, limits: opts.limits, policy: opts.policy, engine: opts.engine }
  const args = [`--max-old-space-size=${opts.heapMB ?? 256}`, RUN_LUA, JSON.stringify(spec)]
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { timeout: opts.killAfterMs ?? 60_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`child failed (${err.signal ?? err.code}): ${stderr.slice(-400)}`))
      else resolve(JSON.parse(stdout) as ChildRun)
    })
  })
}
