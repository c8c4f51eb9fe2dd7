/**
 * `node bench/src/paired.mjs --tree DIR [--rounds 40] [--out FILE]`: the warm paths of an
 * earlier commit (checked out, installed and built in DIR) and of this one, measured in ONE
 * process. Each round runs a batch of every task on both builds back to back (the order
 * flipped every round) and takes the CPU time of each batch; a task's figure is the median of
 * its per-round after/before ratios. Both sides meet the same machine at the same moment, so
 * the load that moves separate runs by 30 % cancels out; what remains shows in the spread of
 * the ratios (the interquartile range, reported beside the median).
 *
 * Tasks: warm `execute` of `return a + b` / `a + b` with two globals, `script.run` of the same
 * compiled script, and 1,000 records in as a global and back as the result (workload 4's
 * task). Garbage is collected before each batch, outside the timing. The section (markdown)
 * is written to FILE; `pnpm bench --comparison FILE` puts it into BENCHMARKS.md.
 */
import { writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { cpuNow, exposeGc, summarize } from './harness.mjs'
import { makeRecords } from './workloads/conversion.mjs'

const { values } = parseArgs({
  options: {
    tree: { type: 'string' },
    rounds: { type: 'string', default: '40' },
    out: { type: 'string', default: join(os.tmpdir(), 'polyhost-paired.md') },
    label: { type: 'string' },
  },
})
if (!values.tree) throw new Error('paired: --tree DIR (an earlier commit, installed and built) is required')
const rounds = Number(values.rounds)
if (!Number.isInteger(rounds) || rounds < 4) throw new Error('paired: --rounds must be an integer of at least 4')
exposeGc()

const SMALL = { a: 20, b: 22 }
const records = makeRecords(1000)
const sides = {
  before: await open(join(values.tree, 'bench', 'src', 'polyhost.mjs')),
  after: await open(new URL('./polyhost.mjs', import.meta.url).href),
}
const tasks = []
for (const language of ['lua', 'js']) {
  const tiny = language === 'lua' ? 'return a + b' : 'a + b'
  const back = language === 'lua' ? 'return records' : 'records'
  const made = {}
  for (const [side, hosts] of Object.entries(sides)) {
    const host = hosts[language]
    const script = await host.compile({ language, source: tiny })
    made[side] = {
      execute: () => host.execute({ language, source: tiny, globals: SMALL }),
      run: () => script.run({ globals: SMALL }),
      conversion: () => host.execute({ language, source: back, globals: { records } }),
    }
  }
  tasks.push(
    { name: 'Polyhost: warm execute', language, batch: 2000, fns: side(made, 'execute') },
    { name: 'Polyhost: compile once + run', language, batch: 2000, fns: side(made, 'run') },
    { name: 'Polyhost: globals in, result out (1,000 records)', language, batch: 20, fns: side(made, 'conversion') },
  )
}

// warm-up: both builds, every task, until the JIT has settled
for (const t of tasks) for (const fn of Object.values(t.fns)) await batch(fn, t.batch * 3)
const perRound = tasks.map(() => ({ before: [], after: [], ratio: [] }))
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? ['before', 'after'] : ['after', 'before']
  for (const [i, t] of tasks.entries()) {
    const got = {}
    for (const s of order) {
      globalThis.gc?.()
      got[s] = (await batch(t.fns[s], t.batch)) / t.batch
    }
    perRound[i].before.push(got.before)
    perRound[i].after.push(got.after)
    perRound[i].ratio.push(got.after / got.before)
  }
}
for (const hosts of Object.values(sides)) for (const h of Object.values(hosts)) await h.close()

const label = values.label ?? values.tree
const lines = [
  `## Paired before/after: ${label}`,
  '',
  `Both builds in one process (\`bench/src/paired.mjs\`): ${rounds} rounds, each a batch of every task on both builds back to back, order flipped every round; CPU time per operation. "change" is the median of the per-round after/before ratios − 1; "ratio spread" is their interquartile range. This is the figure for the warm path: two separate runs of the same code here differ by more than 30 %.`,
  '',
  '| path | lang | before | after | change | ratio spread |',
  '|---|---|---|---|---|---|',
]
for (const [i, t] of tasks.entries()) {
  const p = perRound[i]
  const q = quartiles(p.ratio)
  lines.push(
    `| ${t.name} | ${t.language} | ${time(summarize(p.before).median)} | ${time(summarize(p.after).median)} | ${pct(q.median)} | ${q.low.toFixed(3)}–${q.high.toFixed(3)} |`,
  )
}
lines.push('')
writeFileSync(values.out, lines.join('\n'))
console.log(lines.join('\n'))
console.log(`wrote ${values.out}`)

// --- internal ---

/** One host per language from a tree's bench (`openHost` of that tree: its own packages). */
async function open(module) {
  const { openHost } = await import(module)
  const hosts = {}
  for (const language of ['lua', 'js']) {
    const { host, note } = await openHost([language])
    if (!host) throw new Error(`paired: ${module}: ${language}: ${note}`)
    hosts[language] = host
  }
  return hosts
}

function side(made, key) {
  return { before: made.before[key], after: made.after[key] }
}

/** CPU milliseconds for `n` sequential calls of `fn`, as µs total. */
async function batch(fn, n) {
  const t0 = cpuNow()
  for (let i = 0; i < n; i++) await fn()
  return (cpuNow() - t0) * 1000
}

function quartiles(xs) {
  const s = [...xs].sort((a, b) => a - b)
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))]
  return { low: at(0.25), median: at(0.5), high: at(0.75) }
}

function pct(ratio) {
  const v = (ratio - 1) * 100
  return `${v > 0 ? '+' : ''}${v.toFixed(1)} %`
}

function time(us) {
  return us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(2)} µs`
}
