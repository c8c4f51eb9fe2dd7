/**
 * `node bench/src/compare.mjs --tree DIR [--only 1,2] [--rounds 3] [--label TEXT] [--out FILE]`:
 * before/after against an earlier commit checked out and built in DIR (a git worktree with
 * `pnpm install` and `pnpm run build` done). A single run of each side is not enough here:
 * on a shared machine two runs of the same code an hour apart differ by more than 30 %. So
 * the two benches run alternately, `rounds` times each, the order flipped every round
 * (old, new, new, old, …), and each row's figure is the median of its rounds. The section
 * (markdown) is written to FILE; `pnpm bench --comparison FILE` puts it into BENCHMARKS.md.
 * `--from DIR` renders the section again from the reports an earlier run left in DIR
 * (`before-N.md`, `after-N.md`) without running anything. `--harness this` measures the
 * earlier commit's packages with this commit's bench code (copied into DIR/bench for the run,
 * so that DIR's own packages resolve), when the measuring method itself changed.
 */
import { spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { medianRows, parseReport, renderComparison } from './baseline.mjs'

const { values } = parseArgs({
  options: {
    tree: { type: 'string' },
    only: { type: 'string', default: '1,2,3,4,5,8' },
    rounds: { type: 'string', default: '3' },
    label: { type: 'string' },
    out: { type: 'string', default: join(os.tmpdir(), 'polyhost-comparison.md') },
    from: { type: 'string' },
    harness: { type: 'string', default: 'own' },
  },
})
if (values.harness !== 'own' && values.harness !== 'this') throw new Error("compare: --harness is 'own' or 'this'")
if (!values.tree && !values.from) throw new Error('compare: --tree DIR (an earlier commit, installed and built) is required')
const rounds = Number(values.rounds)
if (!Number.isInteger(rounds) || rounds < 1) throw new Error('compare: --rounds must be a positive integer')

const runs = values.from ? readRounds(values.from) : measure(values.tree)
const done = runs.after.length

const label = values.label ?? values.tree ?? values.from
const intro =
  (values.harness === 'this'
    ? `Both commits ran this commit's bench code ${done} times each`
    : `Each commit ran its own bench ${done} times`) +
  ', the two alternately (the order flipped every round) on this machine; rows are matched by name and each figure is the median of its rounds.'
const lines = renderComparison({ before: medianRows(runs.before), after: medianRows(runs.after), label, intro })
writeFileSync(values.out, lines.join('\n'))
console.log(`wrote ${values.out}`)

// --- internal ---

function measure(tree) {
  const copy = join(tree, 'bench', `.harness-${process.pid}`)
  if (values.harness === 'this') cpSync(fileURLToPath(new URL('.', import.meta.url)), copy, { recursive: true })
  try {
    return alternate({
      before: values.harness === 'this' ? join(copy, 'main.mjs') : join(tree, 'bench', 'src', 'main.mjs'),
      after: fileURLToPath(new URL('./main.mjs', import.meta.url)),
    })
  } finally {
    rmSync(copy, { recursive: true, force: true })
  }
}

function alternate(sides) {
  const tmp = mkdtempSync(join(os.tmpdir(), 'polyhost-compare-'))
  const runs = { before: [], after: [] }
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? ['before', 'after'] : ['after', 'before']
    for (const side of order) {
      const out = join(tmp, `${side}-${r}.md`)
      console.log(`round ${r + 1}/${rounds}: ${side}`)
      const res = spawnSync(process.execPath, [sides[side], '--only', values.only, '--out', out, ...chartless(side)], {
        stdio: 'inherit',
      })
      if (res.status !== 0) throw new Error(`compare: the ${side} bench failed (exit ${res.status})`)
      runs[side].push(parseReport(readFileSync(out, 'utf8')))
    }
  }
  console.log(`reports kept in ${tmp}`)
  return runs
}

/** `--charts none` for a side running this commit's bench code (an earlier bench has no such value). */
function chartless(side) {
  return side === 'after' || values.harness === 'this' ? ['--charts', 'none'] : []
}

function readRounds(dir) {
  const runs = { before: [], after: [] }
  for (const name of readdirSync(dir).sort()) {
    const m = /^(before|after)-\d+\.md$/.exec(name)
    if (m) runs[m[1]].push(parseReport(readFileSync(join(dir, name), 'utf8')))
  }
  return runs
}
