import { createHost } from '@polyhost/core'
import { luaEngine } from '@polyhost/engine-lua'
const host = await createHost({ engines: [luaEngine()] })
const s = await host.compile({ language: 'lua', source: 'return a + b' })
for (let i = 0; i < 3000; i++) await s.run({ globals: { a: 1, b: 2 } })
const times = []
for (let k = 0; k < 5; k++) {
  const t = performance.now()
  for (let i = 0; i < 3000; i++) await s.run({ globals: { a: 1, b: 2 } })
  times.push(((performance.now() - t) / 3000) * 1000)
}
console.log(times.map((x) => x.toFixed(1)).join(' '), 'µs')
await host.close()
