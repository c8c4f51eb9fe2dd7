import { describe, it } from 'vitest'
import { hasNative, iife } from './native-lua.js'
import { numberHosts } from './number-hosts.js'

// In Lua 5.1 (and Redis 7.0's scripting) `_ENV` is an ordinary name; the 'lua51' mode compiled
// it as 5.2+ does, as the environment: `local _ENV = {x = 1} return x` gave 1 (lua5.1: nil),
// `type(_ENV)` was 'table' (lua5.1: nil). Each case is compared with native lua5.1 in the same
// run; native runs them in one process, so a case that sets a global clears it again.
const { agrees } = numberHosts()

describe.skipIf(!hasNative('lua5.1'))("'lua51': _ENV is an ordinary name, as in native lua5.1", () => {
  it('as a global: unset, read, assigned, indexed', async () => {
    await agrees(
      [
        'type(_ENV)',
        '_ENV',
        iife('_ENV = 7 local v, t = _ENV, type(_G._ENV) _ENV = nil return v, t, type(print)'),
        iife('_ENV = {} local r = type(_ENV) .. type(print) _ENV = nil return r'),
        iife('return P(pcall(function() return _ENV.x end))'),
        iife("return rawget(_G, '_ENV'), _G._ENV"),
      ],
      'lua51',
    )
  })

  it('as a local: it hides no global and holds any value', async () => {
    await agrees(
      [
        iife('local _ENV = {envA = 1} return envA'),
        iife('envB = 5 local _ENV = {} local v = envB envB = nil return v'),
        iife('local _ENV = {} return type(print), _ENV.print'),
        iife('local _ENV = 3 return _ENV + 1'),
        iife('local _ENV = {k = 2} return _ENV.k, _ENV["k"]'),
        iife('local _ENV return P(pcall(function() return _ENV.x end))'),
        iife('local _ENV = {} envC = 4 local v = rawget(_ENV, "envC") envC = nil return v'),
      ],
      'lua51',
    )
  })

  it('as a parameter, an upvalue, a field and a for variable', async () => {
    await agrees(
      [
        iife('return (function(_ENV) return _ENV, type(tostring) end)(9)'),
        iife('return (function(_ENV) return _ENV.k, envD end)({k = 1, envD = 2})'),
        iife('local _ENV = 9 return (function() return _ENV + 1, type(_ENV) end)()'),
        iife('local _ENV = {} local function f() _ENV = 8 end f() return _ENV'),
        iife('local t = {_ENV = 4} t._ENV = t._ENV + 1 return t._ENV, t["_ENV"]'),
        iife('local s = "" for _ENV = 1, 3 do s = s .. _ENV end return s'),
        iife('local s = "" for _ENV, v in pairs({a = 1}) do s = s .. _ENV .. v end return s'),
        iife('local function _ENV() return "called" end return _ENV()'),
      ],
      'lua51',
    )
  })

  it("in error messages: 'global', 'field', 'local' and 'upvalue' as lua5.1 names them", async () => {
    await agrees(
      [
        iife('return P(pcall(function() return envUndef.x end))'),
        iife('return P(pcall(function() envUndefFn() end))'),
        iife('return P(pcall(function() return #envUndef end))'),
        iife('return P(pcall(function() local _ENV = {} return _ENV.a.b end))'),
        iife('return P(pcall(function() local _ENV = {} _ENV.f() end))'),
        iife('return P(pcall(function() local _ENV = nil return _ENV.x end))'),
        iife('return P(pcall(function() local _ENV = nil return (function() return _ENV.y end)() end))'),
        iife('return P(pcall(function() local _ENV = {} return _ENV .. "x" end))'),
        iife('return P(pcall(function() return _ENV() end))'),
        iife('local t = {} return P(pcall(function() return t._ENV.x end))'),
      ],
      'lua51',
    )
  })
})
