#!/usr/bin/env node
// Lists import circles inside each package's src (type-only imports count: they are coupling too).
// Circles through another package's dist are left out: each package is checked on its own.
// Exits 1 on a circle not in KNOWN, so a new one fails `pnpm run lint`; a KNOWN entry that is
// gone is reported, to be removed from the list.
import { readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import madge from 'madge'

// circles present when this check was added (issue 17); each is a pair of files to untangle
const KNOWN = new Set([
  'core: contracts.ts > bridges.ts',
  'core: contracts.ts > execution.ts > bridge-call.ts',
  'core: execution.ts > bridge-call.ts',
  'core: contracts.ts > execution.ts',
  'engine-lua: fengari-api.ts > guard-runtime.ts',
  'engine-lua: bridge-functions.ts > lua-state.ts',
  'engine-js: js-state.ts > guest-calls.ts',
  'conformance: kit.ts > types.ts',
])

const root = join(import.meta.dirname, '..')
const found = []
for (const pkg of readdirSync(join(root, 'packages'))) {
  const src = join(root, 'packages', pkg, 'src')
  const graph = await madge(src, {
    fileExtensions: ['ts', 'mts'],
    tsConfig: join(root, 'tsconfig.base.json'),
    excludeRegExp: [/\.test\.ts$/],
  })
  for (const circle of graph.circular()) {
    if (circle.some((f) => f.startsWith('..'))) continue
    found.push(`${pkg}: ${circle.map((f) => relative('.', f)).join(' > ')}`)
  }
}

const fresh = found.filter((c) => !KNOWN.has(c))
const gone = [...KNOWN].filter((c) => !found.includes(c))
for (const c of found) console.log(`${KNOWN.has(c) ? 'known' : 'NEW  '} ${c}`)
for (const c of gone) console.log(`gone  ${c} (remove it from KNOWN in scripts/import-circles.mjs)`)
console.log(`${found.length} import circle(s) inside packages, ${fresh.length} new`)
process.exitCode = fresh.length > 0 ? 1 : 0
