import { createHost, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'
import { hasNative, printed, runNativeProgram } from './native-lua.js'

// collectgarbage's settings (stop/restart/isrunning, setpause/setstepmul, which answer the
// previous value) belong to the execution: the host's collector runs whatever a script says,
// and the next execution on the same pooled state starts as a fresh C Lua does. Native lua5.3
// / lua5.1 run each program in a fresh process; the engine runs them one after the other on
// one state.
const SETTINGS = `
local function P(...) print(pcall(collectgarbage, ...)) end
P('isrunning')
print(pcall(function() return collectgarbage('stop'), collectgarbage('isrunning'), collectgarbage('restart'), collectgarbage('isrunning') end))
P('stop') P('collect') P('step') P('isrunning') P('restart') P('isrunning')
P('setpause', 100) P('setpause') P('setpause', 2^40) P('setpause', -7) P('setpause')
P('setstepmul', 10) P('setstepmul', 300) P('setstepmul') P('setstepmul', 2^31 + 5) P('setstepmul')
P('setpause', 1.5) P('setpause', '12') P('setpause', 'x') P('setpause')
P('stop')`
const FRESH = `
print(pcall(collectgarbage, 'isrunning'))
print(collectgarbage('setpause'), collectgarbage('setstepmul'))`

const modes = [
  ['lua53', 'lua5.3'],
  ['lua51', 'lua5.1'],
] as const

for (const [numbers, binary] of modes) {
  describe.skipIf(!hasNative(binary))(`collectgarbage ('${numbers}' against native ${binary})`, () => {
    let host: Host
    beforeAll(async () => {
      host = await createHost({ engines: [luaEngine({ numbers })], policy: 'minimal', pool: { min: 1, max: 1 } })
    })
    afterAll(() => host.close())

    it('stop, restart, isrunning, setpause and setstepmul answer as C Lua, per execution', async () => {
      for (const source of [SETTINGS, FRESH]) {
        const r = await host.execute({ language: 'lua', name: 'x.lua', source })
        expect(printed(r.logs)).toBe(runNativeProgram(binary, source))
      }
    })
  })
}
