// Run by compile-cache.test.ts as `node --expose-gc compile-cache.mjs N`: compiles N distinct
// ~64 KB Lua chunks (table constructors: ~26 bytes of heap per source byte) through a host
// with the default compile cache, and prints the heap growth that the cache keeps (MB).
import { createHost } from '@polyhost/core'
import { luaEngine } from '@polyhost/engine-lua'

const n = Number(process.argv[2] ?? 100)
const chunk = (i) => {
  let s = `local id = ${i}\n`
  while (s.length < 64 * 1024) s += `T = {a = ${i}, b = "s${s.length}", c = {1, 2, 3}}\n`
  return `${s}return id`
}
const settle = () => {
  for (let i = 0; i < 4; i++) globalThis.gc()
  return process.memoryUsage().heapUsed
}
const host = await createHost({ engines: [luaEngine()], policy: 'minimal' })
await host.execute({ language: 'lua', source: 'return 1' })
const before = settle()
for (let i = 0; i < n; i++) await host.compile({ language: 'lua', source: chunk(i) })
const after = settle()
const { cache } = host.stats()
process.stdout.write(JSON.stringify({ retainedMB: (after - before) / 2 ** 20, cacheMB: cache.bytes / 2 ** 20, entries: cache.size }))
await host.close()
