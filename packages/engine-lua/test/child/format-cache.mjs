// Run by format-cache.test.ts as `node --expose-gc format-cache.mjs N`: runs Lua scripts that
// use N distinct string.format specs, closes the host, and prints the heap growth that
// survives (MB) as JSON.
import { createHost } from '@polyhost/core'
import { luaEngine } from '@polyhost/engine-lua'

const n = Number(process.argv[2] ?? 600000)
const source = `local flags = { '', '-', '+', ' ', '#', '0', '-+', '- ', '+0', '#0' }
  local conv = { 'd', 'i', 'x', 'X', 'o', 'e', 'E', 'f', 'g', 'G', 'a', 'A', 'c', 's', 'q' }
  local count, out = 0, 0
  for _, fl in ipairs(flags) do for w = 0, 99 do for p = 0, 99 do for _, c in ipairs(conv) do
    if count >= N then return count end
    local ok = pcall(string.format, '%' .. fl .. w .. '.' .. p .. c, 65)
    count = count + 1
  end end end end
  return count`
const settle = () => {
  for (let i = 0; i < 4; i++) globalThis.gc()
  return process.memoryUsage().heapUsed
}
const warm = await createHost({ engines: [luaEngine()] })
await warm.execute({ language: 'lua', source: "return string.format('%5.2f', 1)" })
await warm.close()
const before = settle()
const host = await createHost({ engines: [luaEngine()], limits: { instructions: false, timeoutMs: 120_000, memoryBytes: false } })
const r = await host.execute({ language: 'lua', source, globals: { N: n } })
await host.close()
const after = settle()
process.stdout.write(JSON.stringify({ specs: r.value, retainedMB: (after - before) / 2 ** 20 }))
