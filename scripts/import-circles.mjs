#!/usr/bin/env node
// Lists import circles inside each package's src (type-only imports count: they are coupling too).
// Circles through another package's dist are left out: each package is checked on its own.
// Exits 1 on any circle, so one fails `pnpm run lint`: break it with a leaf module for the
// shared types, or a small interface of what one side uses of the other.
import { readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import madge from 'madge'

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

for (const c of found) console.log(`circle ${c}`)
console.log(`${found.length} import circle(s) inside packages`)
process.exitCode = found.length > 0 ? 1 : 0
