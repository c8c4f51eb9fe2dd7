import { spawnSync } from 'node:child_process'
import { createHost, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'
import { hasNative } from './native-lua.js'

// A module that requires itself: Lua 5.3's require keeps no "loading" sentinel in
// package.loaded (5.1's did), so the loader recurses until the C stack is full and require
// fails with lua5.3's own "C stack overflow", catchable, the host unharmed. A host-registered
// module is found as a package.preload function is, so both compare with native preload.

const SELF = 'return require("util")'
const CASES = [
  `package.preload.util = function() ${SELF} end\nreturn tostring(select(2, pcall(require, "util")))`,
  `package.preload.util = function() ${SELF} end\nlocal ok = pcall(require, "util")\nreturn tostring(package.loaded.util)`,
]

function native(source: string): string {
  const r = spawnSync('lua5.3', ['-e', `print((function() ${source} end)())`], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`lua5.3 failed: ${r.stderr}`)
  return r.stdout.trimEnd()
}

describe.skipIf(!hasNative('lua5.3'))('a module requiring itself, as native lua5.3', () => {
  let host: Host
  beforeAll(async () => {
    host = await createHost({ engines: [luaEngine()] })
    host.modules.register({ name: 'util', language: 'lua', source: SELF })
  })
  afterAll(() => host.close())

  it.each(CASES)('%s', async (source) => {
    expect((await host.execute({ language: 'lua', source })).value).toBe(native(source))
  })

  it('a host-registered module fails as a preload one does', async () => {
    const r = await host.execute({ language: 'lua', source: 'return tostring(select(2, pcall(require, "util")))' })
    expect(r.value).toBe(native(CASES[0] as string))
  })
})
