import { createHost, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'
import { hasNative, iife, runEngine, runNative } from './native-lua.js'

// require as loadlib.c's ll_require has it, against native lua5.3 and lua5.1 in the same run:
// a module that fills package.loaded itself and returns nothing is that value (it was `true`,
// written over the module's own); a false in package.loaded loads the module; 5.3 hands a
// preload loader two arguments (name and the searcher's nil), 5.1 one; 5.1 marks a module
// while it loads and refuses to load it again ("loop or previous error loading module").

// M: a module name of its own per case (the native driver runs every case in one state)
const CASES = [
  // old-style module: fills package.loaded[name] and returns nothing
  iife(
    `package.preload.M = function(name) package.loaded[name] = { x = 1 } end local m = require('M') return type(m), m.x, package.loaded.M == m`,
  ),
  iife(`package.preload.M = function() package.loaded.M = 'own' end return require('M'), package.loaded.M`),
  iife(`package.preload.M = function() end return require('M'), package.loaded.M`),
  iife(`package.preload.M = function() return 7 end return require('M'), require('M'), package.loaded.M`),
  iife(`package.preload.M = function() package.loaded.M = 'own' return 'ret' end return require('M'), package.loaded.M`),
  iife(`package.preload.M = function(...) return select('#', ...) .. ':' .. tostring((...)) end return require('M')`),
  iife(`package.loaded.M = false package.preload.M = function() return 'loaded' end return require('M')`),
  iife(`package.preload.M = function() return require('M') end return P(pcall(require, 'M'))`),
  iife(`package.preload.M = function() error('boom') end local a = {P(pcall(require, 'M'))} return a[2], P(pcall(require, 'M'))`),
  iife(`package.preload.M = function() package.loaded.M = nil end return require('M'), package.loaded.M`),
].map((c, i) => c.replaceAll('M', `mod${i}`))

describe.each([
  ['lua53', 'lua5.3'],
  ['lua51', 'lua5.1'],
] as const)('require under numbers: %s, as native %s', (numbers, binary) => {
  let host: Host
  beforeAll(async () => {
    host = await createHost({ engines: [luaEngine({ numbers })] })
  })
  afterAll(() => host.close())

  it.skipIf(!hasNative(binary))('answers as the native interpreter', async () => {
    // the native driver reads one expression per line
    expect(CASES.every((c) => !c.includes('\n'))).toBe(true)
    const expected = runNative(binary, CASES)
    const got = []
    for (const expr of CASES) got.push(await runEngine(host, expr))
    expect(got.map((o, i) => ({ case: CASES[i], ...o }))).toEqual(expected.map((o, i) => ({ case: CASES[i], ok: o.ok, text: o.text })))
  })
})
