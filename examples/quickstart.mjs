// quickstart — one Lua and one JavaScript script on the same host, each reading globals
// and calling a typed bridge (Lua sequences start at 1, JS arrays at 0). Run: node examples/quickstart.mjs (after `pnpm build`).
import { createHost, defineBridge } from '@polyhost/core'
import { jsEngine } from '@polyhost/engine-js'
import { luaEngine } from '@polyhost/engine-lua'
import { z } from 'zod'

const host = await createHost({ engines: [luaEngine(), jsEngine()], policy: 'standard', limits: { timeoutMs: 1000 } })

host.bridges.register(
  defineBridge({
    name: 'greeter',
    description: 'Formats greetings on the host',
    methods: {
      greet: {
        args: [z.string(), z.number().int().min(1)],
        returns: z.string(),
        handler: (_ctx, who, times) => `hello ${who}`.repeat(times),
      },
    },
  }),
)

const lua = await host.execute({
  name: 'hello.lua',
  source: 'print("lua sees " .. #names .. " names") return greeter.greet(names[1], 1) .. "!"',
  globals: { names: ['lua', 'js'] },
})
console.log(`lua  -> ${lua.value}   (logs: ${lua.logs.map((l) => l.message).join('; ')})`)

const js = await host.execute({
  name: 'hello.js',
  source: 'console.log("js sees " + names.length + " names"); greeter.greet(names[0], 1) + "!"',
  globals: { names: ['lua', 'js'] },
})
console.log(`js   -> ${js.value}   (logs: ${js.logs.map((l) => l.message).join('; ')})`)

await host.close()
