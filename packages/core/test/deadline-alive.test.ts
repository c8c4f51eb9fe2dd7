import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// A pending execution keeps the process alive until its deadline: awaiting a bridge whose
// promise never settles ends with the timeout error, not with Node exiting (code 13,
// "unsettled top-level await") because the only timer left was unref'd. Runs in a child
// process (built packages: `pnpm run build` first).

const child = fileURLToPath(new URL('./fixtures/hang-child.mjs', import.meta.url))

describe('the deadline keeps the process alive', () => {
  it.each(['inline', 'worker'])('%s: a never-settling async bridge ends with LimitExceededError(timeout)', (mode) => {
    const r = spawnSync(process.execPath, [child, mode], { encoding: 'utf8', timeout: 30_000 })
    expect({ status: r.status, out: r.stdout.trim(), err: r.stderr.trim() }).toEqual({
      status: 0,
      out: 'LimitExceededError timeout',
      err: '',
    })
  })
})
