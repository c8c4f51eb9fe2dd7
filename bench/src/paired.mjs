/**
 * `node bench/src/paired.mjs --tree DIR [--rounds 16] [--languages lua,js] [--tasks warm|cpu] [--only execute,run] [--out FILE]`: the warm paths of an
 * earlier commit (checked out, installed and built in DIR) and of this one, in short child
 * processes that alternate: each round runs one process per build back to back (the order
 * flipped every round), each process loads one build only (as an application would), warms
 * every task up and times a few batches of it in CPU time. A task's figure is the median of
 * its per-round after/before ratios, with their interquartile range as the spread. Processes
 * a few seconds apart meet the same machine, so the load that moves two whole bench runs by
 * 30 % cancels out. Two builds in one process would not be what anyone runs: their garbage
 * and compiled code interfere (a JS warm execute read +15 % there, +4 % here).
 *
 * Tasks: warm `execute` of `return a + b` / `a + b` with two globals, `script.run` of the same
 * compiled script, and 1,000 records in as a global and back as the result (workload 4's
 * task); with `--tasks cpu`, workload 2's three programs instead. No collection is forced between batches: a forced full GC ages compiled code and
 * makes V8 flush bytecode that then recompiles inside the next batch. The section (markdown)
 * is written to FILE; `pnpm bench --comparison FILE` puts it into BENCHMARKS.md.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { pct } from './baseline.mjs'
import { cpuNow, summarize } from './harness.mjs'
import { formatTime } from './ratios.mjs'
import { makeRecords } from './workloads/conversion.mjs'
import { programs } from './workloads/cpu.mjs'

const { values } = parseArgs({
  options: {
    tree: { type: 'string' },
    rounds: { type: 'string', default: '16' },
    out: { type: 'string', default: join(os.tmpdir(), 'polyhost-paired.md') },
    label: { type: 'string' },
    languages: { type: 'string', default: 'lua,js' },
    tasks: { type: 'string', default: 'warm' },
    only: { type: 'string' },
    child: { type: 'string' },
    from: { type: 'string' },
  },
})
const TASK_SETS = {
  warm: [
    { key: 'execute', name: 'Polyhost: warm execute', batch: 2000 },
    { key: 'run', name: 'Polyhost: compile once + run', batch: 2000 },
    { key: 'conversion', name: 'Polyhost: globals in, result out (1,000 records)', batch: 20 },
  ],
  // workload 2's programs, one execution per sample
  cpu: programs(false).map((p, i) => ({ key: `cpu${i}`, name: `Polyhost (limits on): ${p.name}`, batch: 1, program: p })),
}
// --only execute,run: some tasks of the set (more rounds in the same time)
const TASKS = TASK_SETS[values.tasks]?.filter((t) => !values.only || values.only.split(',').includes(t.key))
if (!TASKS?.length) throw new Error("paired: --tasks is 'warm' or 'cpu'; --only names tasks of that set (execute, run, conversion)")
const LANGUAGES = values.languages.split(',').filter((l) => l === 'lua' || l === 'js')
const WARM_UP_MS = 1500

if (values.child) await child(values.child)
else parent()

/** Runs the rounds and writes the section. */
function parent() {
  const got = values.from ? JSON.parse(readFileSync(values.from, 'utf8')) : measure()
  const rounds = got.after.length
  const label = values.label ?? values.tree ?? values.from
  const languages = LANGUAGES.filter((l) => `${l}:${TASKS[0]?.key}` in got.after[0])
  const lines = [
    `## Paired before/after: ${label}`,
    '',
    `\`bench/src/paired.mjs\`: ${rounds} rounds, each one short process per build back to back (order flipped every round); a process loads one build, warms every task up and times batches of it; CPU time per operation.`,
    '',
    'On this machine a process runs either fast or some 50 % slower for seconds at a time (other tenants of the host), so the rounds are bimodal. Interference only ever adds time, so the claim rests on the fast rounds: "p10" is each side\'s tenth percentile over its rounds, and "change at p10" compares them. "median ratio" is the median of the per-round after/before ratios, with their interquartile range: it mixes fast and slow rounds and is shown for completeness.',
    '',
    '| path | lang | before p10 | after p10 | change at p10 | median ratio | ratio spread |',
    '|---|---|---|---|---|---|---|',
  ]
  for (const language of languages) {
    for (const t of TASKS) {
      const id = `${language}:${t.key}`
      const before = got.before.map((m) => m[id])
      const after = got.after.map((m) => m[id])
      const [b, a] = [percentile(before, 0.1), percentile(after, 0.1)]
      const ratios = after.map((x, i) => x / before[i])
      const spread = `${percentile(ratios, 0.25).toFixed(3)}–${percentile(ratios, 0.75).toFixed(3)}`
      lines.push(`| ${[t.name, language, time(b), time(a), pct(a / b), pct(percentile(ratios, 0.5)), spread].join(' | ')} |`)
    }
  }
  lines.push('')
  writeFileSync(values.out, lines.join('\n'))
  // every round's figures beside the section: `--from` renders it again from them
  if (!values.from) writeFileSync(values.out.replace(/(\.md)?$/, '.rounds.json'), JSON.stringify(got))
  console.log(lines.join('\n'))
  console.log(`wrote ${values.out}`)
}

/** Runs the rounds: one child process per build and round. */
function measure() {
  if (!values.tree) throw new Error('paired: --tree DIR (an earlier commit, installed and built) or --from FILE is required')
  const rounds = Number(values.rounds)
  if (!Number.isInteger(rounds) || rounds < 4) throw new Error('paired: --rounds must be an integer of at least 4')
  const modules = {
    before: join(values.tree, 'bench', 'src', 'polyhost.mjs'),
    after: fileURLToPath(new URL('./polyhost.mjs', import.meta.url)),
  }
  const got = { before: [], after: [] }
  for (let r = 0; r < rounds; r++) {
    for (const side of r % 2 === 0 ? ['before', 'after'] : ['after', 'before']) {
      const args = [
        fileURLToPath(import.meta.url),
        '--child',
        modules[side],
        '--languages',
        LANGUAGES.join(','),
        '--tasks',
        values.tasks,
        ...(values.only ? ['--only', values.only] : []),
      ]
      const res = spawnSync(process.execPath, args, { encoding: 'utf8' })
      if (res.status !== 0) throw new Error(`paired: the ${side} process failed: ${res.stderr}`)
      got[side].push(JSON.parse(res.stdout.trim().split('\n').at(-1)))
    }
    process.stdout.write(`round ${r + 1}/${rounds}\n`)
  }
  return got
}

/** One process of one build: every task warmed up, then the median of a few timed batches, as JSON. */
async function child(module) {
  const { openHost } = await import(module)
  const SMALL = { a: 20, b: 22 }
  const records = makeRecords(1000)
  const out = {}
  for (const language of LANGUAGES) {
    const { host, note } = await openHost([language])
    if (!host) throw new Error(`paired: ${module}: ${language}: ${note}`)
    const tiny = language === 'lua' ? 'return a + b' : 'a + b'
    const back = language === 'lua' ? 'return records' : 'records'
    const script = await host.compile({ language, source: tiny })
    const fns = {
      execute: () => host.execute({ language, source: tiny, globals: SMALL }),
      run: () => script.run({ globals: SMALL }),
      conversion: () => host.execute({ language, source: back, globals: { records } }),
    }
    for (const t of TASKS) if (t.program) fns[t.key] = () => host.execute({ language, source: t.program[language] })
    for (const t of TASKS) {
      // warm-up by time: a warm execute takes some 20,000 runs to reach its steady speed
      for (const until = performance.now() + WARM_UP_MS; performance.now() < until; ) await batch(fns[t.key], t.batch)
      const samples = []
      for (let i = 0; i < 5; i++) samples.push((await batch(fns[t.key], t.batch)) / t.batch)
      out[`${language}:${t.key}`] = summarize(samples).median
    }
    await host.close()
  }
  process.stdout.write(`${JSON.stringify(out)}\n`)
}

// --- internal ---

/** CPU milliseconds for `n` sequential calls of `fn`, as µs total. */
async function batch(fn, n) {
  const t0 = cpuNow()
  for (let i = 0; i < n; i++) await fn()
  return (cpuNow() - t0) * 1000
}

/** The value at fraction `q` of the sorted values (nearest rank). */
function percentile(xs, q) {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))]
}

/** Microseconds in the report's time format. */
function time(us) {
  return formatTime(us / 1000)
}
