import { createHost, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'
import { hasNative, printed, runNativeProgram } from './native-lua.js'

// Where each kind of nested host call stops at C Lua's 200-level C-call limit ("C stack
// overflow", "error in error handling"), and what the script sees there, judged against native
// lua5.3 and lua5.1 in the same run. lua.c runs a script one C level deeper than an embedding
// that calls the chunk itself (its pmain, under a lua_pcall), as redis-server and the engine do;
// the engine runs each program inside one pcall, which puts it at the same level, so every depth
// and every message must be identical. (redis-server 7.0's EVAL gives the engine's unwrapped
// depths: a pcall chain 198, a coroutine.resume chain 199, each one more than lua5.1's x.lua.)
const PROGRAMS: Record<string, string> = {
  'a pcall chain': `
local function r(n) d = n local ok, e = pcall(r, n + 1) if not ok then error(e, 0) end end
show(pcall(r, 1)) show(d)`,
  'a coroutine.resume chain': `
local function r(n) d = n local ok, e = coroutine.resume(coroutine.create(r), n + 1) if not ok then error(e, 0) end end
show(pcall(r, 1)) show(d)`,
  'a coroutine.wrap chain (each level adds its position to the message)': `
local function w(n) d = n return coroutine.wrap(function() return w(n + 1) end)() end
local ok, e = pcall(w, 1) show(ok, d, #tostring(e), (tostring(e):gsub('^.*: ', '')))`,
  'pcall and resume alternating, pcall first': `
local function a(n) d = n
  if n % 2 == 0 then local ok, e = pcall(a, n + 1) if not ok then error(e, 0) end
  else local ok, e = coroutine.resume(coroutine.create(a), n + 1) if not ok then error(e, 0) end end end
show(pcall(a, 1)) show(d)`,
  'pcall and resume alternating, resume first': `
local function b(n) d = n
  if n % 2 == 1 then local ok, e = pcall(b, n + 1) if not ok then error(e, 0) end
  else local ok, e = coroutine.resume(coroutine.create(b), n + 1) if not ok then error(e, 0) end end end
show(pcall(b, 1)) show(d)`,
  'gsub callbacks, sort comparators and __tostring': `
local function s(n) d = n return (string.gsub('x', 'x', function() return s(n + 1) end)) end
show(pcall(s, 1)) show(d)
local function so(n) d = n table.sort({2, 1}, function(a, b) so(n + 1) return a < b end) end
show(pcall(so, 1)) show(d)
d = 0
local mt = {} mt.__tostring = function() d = d + 1 return tostring(setmetatable({}, mt)) end
show(pcall(tostring, setmetatable({}, mt))) show(d)`,
  '__index, __concat and __lt chains': `
local t = setmetatable({}, {__index = function(t, k) d = k return t[k + 1] end})
show(pcall(function() return t[1] end)) show(d)
d = 0
local mt = {} mt.__concat = function() d = d + 1 return setmetatable({}, mt) .. 'x' end
show(pcall(function() return setmetatable({}, mt) .. 'x' end)) show(d)
d = 0
local lt = {} lt.__lt = function() d = d + 1 return setmetatable({}, lt) < setmetatable({}, lt) end
show(pcall(function() return setmetatable({}, lt) < setmetatable({}, lt) end)) show(d)`,
  'message handlers that fail (error in error handling)': `
show(xpcall(error, function() error('again') end, 'x'))
show(xpcall(error, function() local x = nil return x.y end, 'x'))
local hh hh = function(m) d = d + 1 error(m) end
show(xpcall(error, hh, 'x')) show(d)
d = 0
show(xpcall(function() local t = setmetatable({}, {__index = function(t, k) return t[k + 1] end}) return t[1] end,
  function(m) d = d + 1 return m end)) show(d)`,
  'a pcall chain that keeps the results': `
local function dp(n) d = n return select(2, pcall(dp, n + 1)) end
show(pcall(dp, 1)) show(d)`,
}

const PRELUDE =
  "local function show(...) local t = {} for i = 1, select('#', ...) do t[i] = tostring((select(i, ...))) end " +
  "print((table.concat(t, ' | '):gsub('[%w_.]+:%d+: ', '@'))) end local d = 0"
const native = (program: string) => `${PRELUDE}${program}\n`
// one line, so that positions in messages are the same
const wrapped = (program: string) => `local ok, e = pcall(function() ${PRELUDE}${program}\nend) if not ok then error(e, 0) end\n`

for (const [numbers, binary] of [
  ['lua53', 'lua5.3'],
  ['lua51', 'lua5.1'],
] as const) {
  describe.skipIf(!hasNative(binary))(`the C-call limit ('${numbers}' against native ${binary})`, () => {
    let host: Host
    beforeAll(async () => {
      host = await createHost({ engines: [luaEngine({ numbers })], policy: 'standard', limits: { timeoutMs: 60_000 } })
    })
    afterAll(async () => {
      await host.close()
    })

    for (const [name, program] of Object.entries(PROGRAMS)) {
      it(name, async () => {
        const want = runNativeProgram(binary, native(program))
        const r = await host.execute({ language: 'lua', source: wrapped(program), name: 'x.lua' })
        expect(printed(r.logs)).toBe(want)
      }, 60_000)
    }
  })
}
