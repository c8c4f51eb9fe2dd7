// Measures isolation 'worker' against inline (not a test; numbers vary with machine load):
//   1. per-execution latency of a tiny script, inline vs worker (sequential, after warm-up)
//   2. throughput of CPU-bound executions with 1 vs 2 workers
// Needs built packages (engines are imported from their dist/: core does not depend on them):
// pnpm turbo run build; then: node packages/core/scripts/worker-overhead.mjs [lua|js]
import { createHost } from '@polyhost/core'

const lang = process.argv[2] ?? 'lua'
const { plugin, tiny, cpu } =
  lang === 'js'
    ? {
        plugin: (await import('../../engine-js/dist/index.js')).jsEngine,
        tiny: '1 + 1',
        cpu: 'let x = 0; for (let i = 0; i < 3e6; i++) x = (x + i * 7) % 1000003; x',
      }
    : {
        plugin: (await import('../../engine-lua/dist/index.js')).luaEngine,
        tiny: 'return 1 + 1',
        cpu: 'local x = 0 for i = 1, 3000000 do x = (x + i * 7) % 1000003 end return x',
      }
const limits = { instructions: false, timeoutMs: 60_000 }

async function latency(isolation, n = 3000) {
  const host = await createHost({ engines: [plugin()], isolation, workers: 1, limits })
  const s = await host.compile({ language: lang, source: tiny })
  for (let i = 0; i < 500; i++) await s.run()
  const t = performance.now()
  const cpu = process.cpuUsage()
  for (let i = 0; i < n; i++) await s.run()
  const used = process.cpuUsage(cpu)
  const us = ((performance.now() - t) / n) * 1000
  await host.close()
  // process CPU time covers every thread: host and worker together
  return { us, cpuUs: (used.user + used.system) / n }
}

async function throughput(workers, n = 40) {
  const host = await createHost({ engines: [plugin()], isolation: 'worker', workers, limits, pool: { min: 1, max: 4 } })
  const s = await host.compile({ language: lang, source: cpu })
  await Promise.all(Array.from({ length: workers * 2 }, () => s.run()))
  const t = performance.now()
  await Promise.all(Array.from({ length: n }, () => s.run()))
  const perSec = n / ((performance.now() - t) / 1000)
  await host.close()
  return perSec
}

const inline = await latency('inline')
const worker = await latency('worker')
const f = (x) => x.toFixed(1)
console.log(
  `${lang} tiny script, wall: inline ${f(inline.us)} µs, worker ${f(worker.us)} µs, overhead ${f(worker.us - inline.us)} µs; ` +
    `CPU (all threads): inline ${f(inline.cpuUs)} µs, worker ${f(worker.cpuUs)} µs, overhead ${f(worker.cpuUs - inline.cpuUs)} µs`,
)
const one = await throughput(1)
const two = await throughput(2)
console.log(`${lang} CPU-bound: 1 worker ${one.toFixed(1)}/s, 2 workers ${two.toFixed(1)}/s, speed-up ${(two / one).toFixed(2)}x`)
