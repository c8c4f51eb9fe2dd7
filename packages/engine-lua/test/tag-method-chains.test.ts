import { createHost } from '@polyhost/core'
import { describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'
import { hasNative, printed, runNativeProgram } from './native-lua.js'

// How long an __index / __newindex chain of tables may be before C Lua gives up
// ("'__index' chain too long; possible loop" in 5.3, "loop in gettable" in 5.1). Lua 5.3
// looks at the first table before its loop of MAXTAGLOOP (2000) steps, each of which ends by
// reading the next table: 2001 tables are read, and 2001 are written to when the last one has
// the key, 2000 when it does not. Lua 5.1 reads 100 (its MAXTAGLOOP) in all cases. One chain
// c[0] -> c[1] -> ... ends in a table with `x` (a string in the second chain); a walk starting
// at c[k] crosses (length - k) tables, so the starts cover each limit's neighbours.
const PROGRAM = `
local function chain(n, last)
  local c = {}
  for i = 0, n do c[i] = {} end
  for i = 0, n - 1 do setmetatable(c[i], {__index = c[i + 1], __newindex = c[i + 1]}) end
  if last then setmetatable(c[n], {__index = last, __newindex = last}) end
  return c
end
local function show(ok, v) return ok and type(v) .. ' ' .. tostring(v):gsub('^function: .*', '') or (tostring(v):gsub('^.-:%d+: ', '')) end
local N = 2002
local c = chain(N)
c[N].x = 'end'
for _, k in ipairs({0, 1, 2, 3, N - 101, N - 100, N - 99, N - 98}) do
  local n = N - k
  local get = show(pcall(function() return c[k].x end))
  local set = show(pcall(function() c[k].x = 'set' .. n end))
  local new = show(pcall(function() c[k]['y' .. n] = true end))
  print(n, get, set, rawget(c[N], 'x'), new, rawget(c[N], 'y' .. n))
end
local s = chain(N, 'str')
for _, k in ipairs({0, 1, 2, 3, N - 101, N - 100, N - 99, N - 98}) do
  print(N - k, show(pcall(function() return s[k].len end)), show(pcall(function() s[k].len = 1 end)))
end
`

const modes = [
  ['lua53', 'lua5.3'],
  ['lua51', 'lua5.1'],
] as const

for (const [numbers, binary] of modes) {
  describe.skipIf(!hasNative(binary))(`tag-method chains ('${numbers}' against native ${binary})`, () => {
    it('an __index or __newindex chain stops at the length C Lua stops it', async () => {
      const host = await createHost({ engines: [luaEngine({ numbers })], policy: 'minimal', limits: { timeoutMs: 60_000 } })
      try {
        const r = await host.execute({ language: 'lua', name: 'x.lua', source: PROGRAM })
        expect(printed(r.logs)).toBe(runNativeProgram(binary, PROGRAM))
      } finally {
        await host.close()
      }
    }, 120_000)
  })
}
