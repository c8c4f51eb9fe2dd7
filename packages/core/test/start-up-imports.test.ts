import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// Start-up cost: zod 4 takes ~0.1 s to load (a megabyte of modules, locales included), a
// quarter of an application's cold start. Core checks its own options with the package's
// lighter `zod/v3` build and reads a bridge schema's JSON Schema through the schema's own
// method, so an application that never loads zod 4 itself does not pay for it. Even zod/v3
// (~20 ms, ten modules) is loaded only when an option or request needs its schema: a host
// on default options never loads zod. Runs in a child process whose module loads are logged
// (built packages: `pnpm run build` first).

const child = fileURLToPath(new URL('./fixtures/start-up-child.mjs', import.meta.url))

function modulesOf(mode: 'options' | 'default'): string[] {
  const r = spawnSync(process.execPath, [child, mode], { encoding: 'utf8', timeout: 60_000 })
  expect({ status: r.status, out: r.stdout.trim() }).toEqual({ status: 0, out: 'done' })
  const modules = r.stderr
    .split('\n')
    .filter((l) => l.startsWith('module: '))
    .map((l) => l.slice('module: '.length))
  // the log works: core itself was resolved
  expect(modules.some((u) => u.includes('/core/dist/index.js'))).toBe(true)
  return modules
}

describe('start-up imports', () => {
  it('import, createHost with options and a first execution load zod/v3 and no zod 4 module', () => {
    const modules = modulesOf('options')
    expect(modules.some((u) => /\/zod\/v3\//.test(u))).toBe(true)
    expect(modules.filter((u) => /\/zod\/(v4|index\.js|mini)/.test(u))).toEqual([])
  })

  it('import, createHost on default options and a first execution load no zod module at all', () => {
    expect(modulesOf('default').filter((u) => /\/zod\//.test(u))).toEqual([])
  })
})
