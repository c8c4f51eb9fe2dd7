/**
 * CPU time per warm JS execute (tiny script), in rounds of a loop, for A/B of builds:
 *   node src/profile/warm-cpu.mjs [rounds] [n] [target]
 */
import { openHost } from '../polyhost.mjs'
import { makeRecords } from '../workloads/conversion.mjs'

const [roundsArg = '8', nArg = '20000', target = 'tiny'] = process.argv.slice(2)
const specs = {
  tiny: { source: 'a + b', globals: { a: 20, b: 22 } },
  stmt: { source: 'const x = a + b; x', globals: { a: 20, b: 22 } },
  strings: {
    source: "(() => { const t = []; for (let i = 1; i <= 20000; i++) t.push(i + ':' + 'x'.repeat(i % 10)); return t.join(',').length })()",
    globals: {},
  },
  conversion: { source: 'records', globals: { records: makeRecords(1000) } },
}
const spec = specs[target]
const { host } = await openHost(['js'])
const rounds = Number(roundsArg)
const n = Number(nArg)
const out = []
for (let r = 0; r < rounds; r++) {
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  for (let i = 0; i < n; i++) await host.execute({ language: 'js', source: spec.source, globals: spec.globals })
  const wall = ((performance.now() - t0) * 1000) / n
  const c = process.cpuUsage(c0)
  out.push({ cpu: (c.user + c.system) / n, wall })
}
const cpus = out.map((o) => o.cpu).sort((a, b) => a - b)
console.log(
  `${target}: cpu µs/exec per round: ${out.map((o) => o.cpu.toFixed(2)).join(' ')}; min ${cpus[0].toFixed(2)} median ${cpus[Math.floor(cpus.length / 2)].toFixed(2)}; wall ${out.map((o) => o.wall.toFixed(1)).join(' ')}`,
)
await host.close()
