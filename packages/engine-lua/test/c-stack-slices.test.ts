import { createHost, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'
import { hasNative, printed, runNativeProgram } from './native-lua.js'

// C Lua's 200-level C-call limit ("C stack overflow") must not depend on timing: a time slice
// ends inside a chain of __index calls, the thread yields to the event loop and is resumed,
// and the chain must still stop where native Lua stops it (fengari-ccalls-patches.ts). Each
// program prints the deepest level reached and pcall's answer; native lua5.3 / lua5.1 give the
// expected output in the same run. The busy loop in each level makes the run long enough
// (hundreds of ms) that many slices end inside the chain; an interval counts the event-loop
// turns to show they did.
const chain = (body: string) => `
local deepest = 0
local t = setmetatable({}, {__index = function(t, k)
  deepest = k
  for i = 1, SPIN do end
  ${body}
  if k < 300 then return t[k + 1] end
  return k
end})
`
const PROGRAMS: Record<string, string> = {
  'a chain in the script': `${chain('')}
print(pcall(function() return t[1] end))
print('deepest', deepest)`,
  'a chain under a caught error at each level (pcall restores the count)': `${chain("pcall(error, 'x')")}
print(pcall(function() return t[1] end))
print('deepest', deepest)`,
  'a chain in a coroutine': `${chain('')}
local co = coroutine.wrap(function() return pcall(function() return t[1] end) end)
print(co())
print('deepest', deepest)`,
  'a chain in a coroutine that yields at level 100 (5.3 resumes it at the count of its resumer)': `${chain('if k == 100 then coroutine.yield() end')}
local co = coroutine.wrap(function() return pcall(function() return t[1] end) end)
print(pcall(co))
print(pcall(co))
print('deepest', deepest)`,
  'a chain in a coroutine with an error caught at level 100': `${chain("if k == 100 then pcall(error, 'x') end")}
local co = coroutine.wrap(function() return pcall(function() return t[1] end) end)
print(co())
print('deepest', deepest)`,
  'a chain through for-in iterators': `
local deepest = 0
local function iter(s, k)
  deepest = k
  for i = 1, SPIN do end
  if k < 300 then for v in iter, nil, k + 1 do return v end end
  return nil
end
print(pcall(function() for v in iter, nil, 1 do end end))
print('deepest', deepest)`,
}

const SPIN = 20_000
const source = (program: string) => program.replaceAll('SPIN', String(SPIN))
const modes = [
  ['lua53', 'lua5.3'],
  ['lua51', 'lua5.1'],
] as const
const SLICES = [undefined, 1, false] as const

for (const [numbers, binary] of modes) {
  describe.skipIf(!hasNative(binary))(`the C-call limit with time slices ('${numbers}' against native ${binary})`, () => {
    const hosts = new Map<number | false | undefined, Host>()
    beforeAll(async () => {
      for (const timeSliceMs of SLICES) {
        const engine = luaEngine(timeSliceMs === undefined ? { numbers } : { numbers, timeSliceMs })
        hosts.set(
          timeSliceMs,
          await createHost({
            engines: [engine],
            policy: 'standard',
            limits: { timeoutMs: 60_000, instructions: 1e10 },
            pool: { min: 1, max: 1 },
          }),
        )
      }
    })
    afterAll(async () => {
      for (const h of hosts.values()) await h.close()
    })

    for (const [name, program] of Object.entries(PROGRAMS)) {
      it(name, async () => {
        // lua.c runs a script one C level deeper than an embedding calling the chunk itself
        // (its pmain), as redis-server and the engine do: a chain the limit stops goes one
        // level further here
        const native = runNativeProgram(binary, source(program))
        const want = native.includes('C stack overflow')
          ? native.replace(/^deepest\t(\d+)$/m, (_, n: string) => `deepest\t${Number(n) + 1}`)
          : native
        for (const timeSliceMs of SLICES) {
          let turns = 0
          const timer = setInterval(() => turns++, 1)
          const r = await (hosts.get(timeSliceMs) as Host).execute({ language: 'lua', source: source(program), name: 'x.lua' })
          clearInterval(timer)
          expect({ timeSliceMs, out: printed(r.logs) }).toEqual({ timeSliceMs, out: want })
          if (timeSliceMs !== false) expect(turns, `event-loop turns with timeSliceMs ${timeSliceMs}`).toBeGreaterThan(2)
        }
      }, 120_000)
    }
  })
}
