// async-bridge — a bridge whose handler does simulated I/O (a timer). Lua calls it as if
// it were synchronous (the script yields and resumes); JavaScript awaits the Promise.
import { createHost, defineBridge } from '@polyhost/core'
import { jsEngine } from '@polyhost/engine-js'
import { luaEngine } from '@polyhost/engine-lua'
import { z } from 'zod'

const host = await createHost({ engines: [luaEngine(), jsEngine()] })
const users = new Map([
  ['u1', 'Ada'],
  ['u2', 'Grace'],
])

host.bridges.register(
  defineBridge({
    name: 'db',
    methods: {
      user: {
        args: [z.string()],
        returns: z.string().nullable(),
        handler: (ctx, id) =>
          new Promise((resolve, reject) => {
            const t = setTimeout(() => resolve(users.get(id) ?? null), 10)
            ctx.signal.addEventListener('abort', () => {
              clearTimeout(t)
              reject(new Error('aborted'))
            })
          }),
      },
    },
  }),
)

const lua = await host.execute({ language: 'lua', source: 'local a = db.user("u1") local b = db.user("u2") return a .. " & " .. b' })
console.log(`lua -> ${lua.value} (${lua.stats.bridgeCalls} bridge calls)`)

const js = await host.execute({ language: 'js', source: 'const [a, b] = await Promise.all([db.user("u1"), db.user("u2")]); a + " & " + b' })
console.log(`js  -> ${js.value} (${js.stats.bridgeCalls} bridge calls)`)

await host.close()
