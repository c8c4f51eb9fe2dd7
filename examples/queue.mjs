// queue — script executions as BullMQ jobs on Redis. Uses REDIS_PORT (127.0.0.1) when set;
// otherwise starts a throw-away redis-server (Debian: apt-get install redis-server).
// A worker (here in the same process; normally on other machines) runs jobs with its own host.
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { createHost, defineBridge } from '@polyhost/core'
import { jsEngine } from '@polyhost/engine-js'
import { luaEngine } from '@polyhost/engine-lua'
import { createScriptQueue, createScriptWorker, RetryableError } from '@polyhost/queue'
import { z } from 'zod'

const { port, server } = await redis()
const connection = { host: '127.0.0.1', port }

// --- the worker side: a host with bridges, serving queue 'scripts'
const host = await createHost({ engines: [luaEngine(), jsEngine()] })
let calls = 0
host.bridges.register(
  defineBridge({
    name: 'rates',
    methods: {
      wait: { args: [z.number()], handler: (ctx, ms) => sleep(ms, 'done', { signal: ctx.signal }) },
      // fails once like a flaky upstream: RetryableError makes the job retry with its backoff
      get: {
        args: [z.string()],
        handler: async (_ctx, currency) =>
          ++calls === 1 ? Promise.reject(new RetryableError('rates service unavailable')) : currency === 'EUR' ? 0.9 : 1,
      },
    },
  }),
)
const worker = createScriptWorker({ connection, name: 'scripts', host, concurrency: 4 })
await worker.ready()

// --- the producer side
const queue = createScriptQueue({ connection, name: 'scripts', defaultJobOptions: { backoff: { type: 'fixed', delay: 100 } } })
const v = await queue.scripts.put('discount', { language: 'lua', source: 'return order.total * (order.vip and 0.8 or 1)', author: 'ana' })
console.log(`stored discount v${v.version} (${v.hash.slice(0, 12)}…)`)

const job = await queue.enqueue({ script: { ref: 'discount' }, globals: { order: { total: 200, vip: true } }, context: { tenant: 't1' } })
console.log('discount ->', (await job.result()).value)

const fx = await queue.enqueue({ script: { language: 'js', source: '100 * (await rates.get("EUR"))' }, context: { tenant: 't2' } })
console.log('fx ->', (await fx.result()).value, `(bridge called ${calls} times: retried once)`)

const bad = await queue.enqueue({ script: { language: 'lua', source: 'local x = nil\nreturn x.y', name: 'bad.lua' } })
const e = await bad.result().catch((err) => err)
console.log(`bad -> ${e.name} ${e.code} at ${e.scriptName}:${e.line}`)

// progress: the script reports through the `job` bridge; the producer listens. Writes are
// rate-limited (one per 250 ms by default): a report inside the interval replaces the waiting one
const batch = await queue.enqueue({
  script: { language: 'lua', source: 'for i = 1, 4 do rates.wait(150) job.progress(i * 25) end return "imported"' },
})
const stop = await batch.on('progress', (p) => console.log(`  progress ${p}%`))
console.log('batch ->', (await batch.result()).value, '- last progress', await batch.progress())
stop()

// a job waiting on I/O: cancel() from any process aborts it on the worker that runs it
const slow = await queue.enqueue({ script: { language: 'lua', source: 'return rates.wait(5000)' } })
await sleep(300)
await slow.cancel()
console.log('cancelled ->', await slow.result().catch((err) => err.name))

await queue.schedule('heartbeat', { every: 300 }, { script: { language: 'js', source: 'Date.now()' } })
await sleep(1000)
await queue.unschedule('heartbeat')
console.log('stats', JSON.stringify(await queue.stats()))

await queue.close()
await worker.close()
await host.close()
server?.kill()

async function redis() {
  if (process.env.REDIS_PORT) return { port: Number(process.env.REDIS_PORT) }
  const port = await new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port
      s.close(() => resolve(p))
    })
  })
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  await new Promise((resolve) => server.stdout.on('data', (d) => d.toString().includes('Ready to accept') && resolve()))
  server.stdout.resume()
  return { port, server }
}
