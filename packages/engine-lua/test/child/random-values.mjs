// Run by random.test.ts as `node --random-seed=N random-values.mjs`: prints the values of
// math.random seen by two tenants' scripts, inline and in a worker, as JSON.
import { createHost } from '@polyhost/core'
import { luaEngine } from '@polyhost/engine-lua'

const source = 'local t = {} for i = 1, 8 do t[i] = math.random() end return t'
const out = {}
for (const isolation of ['inline', 'worker']) {
  const host = await createHost({ engines: [luaEngine()], isolation, workers: 1, pool: { min: 1, max: 1 } })
  out[isolation] = []
  for (const tenant of ['A', 'B']) out[isolation].push((await host.execute({ language: 'lua', source, tenant })).value)
  await host.close()
}
process.stdout.write(JSON.stringify(out))
