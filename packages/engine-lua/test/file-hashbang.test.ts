import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createHost, type Host, ScriptSyntaxError } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'
import { hasNative } from './native-lua.js'

// Lua's file loader (luaL_loadfilex) skips a first line starting with `#`, so a script with a
// `#!/usr/bin/env lua` line runs as a file, and its error lines still count that line; `load`
// of the same text is a syntax error. host.executeFile reads files as the loader does,
// host.execute takes a source as `load` does. Expected answers come from native Lua here.

const FILES: Readonly<Record<string, string>> = {
  'value.lua': '#!/usr/bin/env lua\nlocal x = 6\nreturn x * 7, "two"\n',
  'error.lua': '#!/usr/bin/env lua\nlocal n = 1\nerror("boom at " .. n)\n',
  'crlf.lua': '# a comment line\r\nlocal t = {}\r\nreturn t.a.b\r\n',
  'only.lua': '#!/usr/bin/env lua',
}

// each file through `dofile` (luaL_loadfile, chunk name `@<file>`): its values, or its error
const DRIVER = `local f = ...
local function show(...) local r = {} for i = 1, select('#', ...) do r[i] = tostring((select(i, ...))) end return table.concat(r, '\\t') end
print(show(pcall(dofile, f)))`

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'polyhost-hashbang-'))
  for (const [name, text] of Object.entries(FILES)) writeFileSync(join(dir, name), text)
  writeFileSync(join(dir, 'driver.lua'), DRIVER)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** What native Lua's dofile gives for `file`: `true\t<values…>` or `false\t<message>`. */
function native(binary: string, file: string): string {
  const r = spawnSync(binary, ['driver.lua', file], { cwd: dir, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`${binary} failed: ${r.stderr}`)
  return r.stdout.replace(/\n$/, '')
}

/** The same, from host.executeFile. */
async function engine(host: Host, file: string): Promise<string> {
  try {
    const r = await host.executeFile(join(dir, file))
    return ['true', ...r.values.map(String)].join('\t')
  } catch (e) {
    return `false\t${(e as Error).message}`
  }
}

const MODES = [
  { binary: 'lua5.3', numbers: 'lua53' },
  { binary: 'lua5.1', numbers: 'lua51' },
] as const

for (const { binary, numbers } of MODES) {
  for (const isolation of ['inline', 'worker'] as const) {
    describe.skipIf(!hasNative(binary))(`executeFile with a '#' first line (${binary}, ${isolation})`, () => {
      let host: Host
      beforeAll(async () => {
        host = await createHost({ engines: [luaEngine({ numbers })], ...(isolation === 'worker' ? { isolation, workers: 1 } : {}) })
      })
      afterAll(() => host.close())

      for (const file of Object.keys(FILES)) {
        it(`${file} runs as ${binary} runs it, error line included`, async () => {
          expect(await engine(host, file)).toBe(native(binary, file))
        })
      }

      it('execute({ source }) still takes the # line as load does: a syntax error', async () => {
        const loaded = spawnSync(binary, ['-e', `print((loadstring or load)(${JSON.stringify(FILES['value.lua'])}) == nil)`], {
          encoding: 'utf8',
        })
        expect(loaded.stdout.trim()).toBe('true')
        await expect(host.execute({ language: 'lua', source: FILES['value.lua'] as string, name: 'value.lua' })).rejects.toBeInstanceOf(
          ScriptSyntaxError,
        )
      })
    })
  }
}
