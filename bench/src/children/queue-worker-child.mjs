/**
 * Child process of the queue workload: one ScriptWorker with its own host serving queue
 * `BENCH_QUEUE` on the redis-server at `BENCH_PORT`, until the parent says 'stop'.
 */
import { createHost } from '@polyhost/core'
import { luaEngine } from '@polyhost/engine-lua'
import { createScriptWorker } from '@polyhost/queue'

const connection = { host: '127.0.0.1', port: Number(process.env.BENCH_PORT) }
const host = await createHost({ engines: [luaEngine()] })
const worker = createScriptWorker({ connection, name: process.env.BENCH_QUEUE, host, concurrency: Number(process.env.BENCH_CONCURRENCY) })
await worker.ready()
process.send('ready')
process.on('message', async () => {
  await worker.close()
  await host.close()
  process.exit(0)
})
