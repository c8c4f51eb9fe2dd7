#!/usr/bin/env node
// Checks the size of every TypeScript file in packages/*/src (tests under src too): over 250
// lines it must say why on its first line (`// Over 250 lines: <reason>`); over 400 it fails
// whatever it says. Exits 1 on a file that breaks either rule, so `pnpm run lint` fails.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'

const SOFT = 250
const HARD = 400
const REASON = /^\/\/ Over 250 lines: \S/

const root = join(import.meta.dirname, '..')
const problems = []
for (const pkg of readdirSync(join(root, 'packages'))) {
  for (const file of tsFiles(join(root, 'packages', pkg, 'src'))) {
    const text = readFileSync(file, 'utf8')
    const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0)
    const name = relative(root, file)
    if (lines > HARD) problems.push(`${name}: ${lines} lines (at most ${HARD})`)
    else if (lines > SOFT && !REASON.test(text)) {
      problems.push(`${name}: ${lines} lines without a first line '// Over 250 lines: <reason>'`)
    }
  }
}
for (const p of problems) console.log(p)
console.log(`${problems.length} file(s) over the size rule in packages/*/src`)
process.exitCode = problems.length > 0 ? 1 : 0

function* tsFiles(dir) {
  let entries
  try {
    entries = readdirSync(dir, { withFileTypes: true })
  } catch {
    return
  }
  for (const e of entries) {
    const p = join(dir, e.name)
    if (e.isDirectory()) yield* tsFiles(p)
    else if (/\.m?ts$/.test(e.name)) yield p
  }
}
