// untrusted — the strict policy against hostile scripts: a runaway loop and a memory
// bomb each end with a LimitExceededError, and the host keeps serving.
import { createHost, LimitExceededError } from '@polyhost/core'
import { jsEngine } from '@polyhost/engine-js'
import { luaEngine } from '@polyhost/engine-lua'

const host = await createHost({ engines: [luaEngine(), jsEngine()], policy: 'strict', limits: { timeoutMs: 500, memoryBytes: 8 << 20 } })

const attacks = [
  ['lua', 'runaway loop', 'while true do end'],
  ['lua', 'memory bomb', 'local s = "x" for i = 1, 40 do s = s .. s end return #s'],
  ['js', 'runaway loop', 'for (;;) {}'],
  ['js', 'memory bomb', 'let s = "x"; for (let i = 0; i < 40; i++) s += s; s.length'],
]
for (const [language, what, source] of attacks) {
  try {
    await host.execute({ language, source })
    console.log(`${language} ${what}: finished?!`)
  } catch (e) {
    if (!(e instanceof LimitExceededError)) throw e
    console.log(`${language} ${what}: ${e.name} (${e.limit}) — ${e.message}`)
  }
}
const ok = await host.execute({ language: 'lua', source: 'return 6 * 7' })
console.log(`host still healthy: ${ok.value}`)
await host.close()
