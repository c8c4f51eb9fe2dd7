import { spawnSync } from 'node:child_process'
import { createHost } from '@polyhost/core'
import { describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'
import { hasNative } from './native-lua.js'

// Lua 5.1's print writes each piece with fputs, which stops at the piece's first NUL (5.3
// writes the whole string). Judged against native lua5.1 and lua5.3 in the same run.
const SOURCE = [
  `print('a\\0b', 'c')`,
  `print('\\0', 'x\\0y\\0z', 1)`,
  `print(setmetatable({}, {__tostring = function() return 'p\\0q' end}), 'end')`,
  `print(('ab\\0'):rep(3))`,
  `io.write('w\\0x', '\\n')`,
].join('\n')

describe.each([
  ['lua51', 'lua5.1'],
  ['lua53', 'lua5.3'],
] as const)("print under numbers: '%s' writes as native %s", (numbers, binary) => {
  it.skipIf(!hasNative(binary))('pieces with NUL bytes', async () => {
    const native = spawnSync(binary, ['-'], { input: SOURCE, encoding: 'latin1' })
    expect(native.status, native.stderr).toBe(0)
    const host = await createHost({ engines: [luaEngine({ numbers })], policy: 'standard' })
    try {
      const r = await host.execute({ language: 'lua', source: SOURCE })
      expect(
        r.logs
          .map((l) => l.message)
          .join('\n')
          .trimEnd(),
      ).toBe(native.stdout.trimEnd())
    } finally {
      await host.close()
    }
  })
})
