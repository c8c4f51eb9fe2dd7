import { createHost, type Host, ScriptRuntimeError, ScriptSyntaxError } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'

// A script name is the caller's text: it may hold NUL, line breaks or other controls (the CLI
// runs files named so). Lua's chunk name is a C string and its messages and tracebacks are
// lines, so the engine compiles under an escaped name and reports the caller's own name; the
// line must be the one the same script reports under a plain name. Long names (Lua cuts a
// chunk id at LUA_IDSIZE) keep their line too. Worker isolation loads dist/: build first.

const SOURCES = {
  runtime: 'local x = 1\nlocal function f() error("boom") end\nf()',
  syntax: 'local x = 1\nlocal y = = 2',
  thrownLater: 'local t = {}\n\nreturn t.a.b',
}
const NAMES = ['a\0b.lua', 'a\nb.lua', 'a\r\nb.lua', 'a\u2028b', 'a\x1b[2Kb.lua', `${'é'.repeat(40)}.lua`, 'x'.repeat(300)]
const PLAIN = 'plain.lua'

async function failure(host: Host, source: string, name: string): Promise<ScriptRuntimeError | ScriptSyntaxError> {
  const e = await host.execute({ language: 'lua', source, name }).catch((x: unknown) => x)
  if (!(e instanceof ScriptRuntimeError || e instanceof ScriptSyntaxError)) throw new Error(`no script error: ${String(e)}`)
  return e
}

const stackOf = (e: ScriptRuntimeError | ScriptSyntaxError) => (e instanceof ScriptRuntimeError ? e.scriptStack : undefined)

for (const isolation of ['inline', 'worker'] as const) {
  describe(`Lua script names with controls (${isolation})`, () => {
    let host: Host
    beforeAll(async () => {
      host = await createHost({ engines: [luaEngine()], ...(isolation === 'worker' ? { isolation, workers: 1 } : {}) })
    })
    afterAll(() => host.close())

    for (const [kind, source] of Object.entries(SOURCES)) {
      it(`${kind} errors keep their line and the caller's name`, async () => {
        const plain = await failure(host, source, PLAIN)
        expect(plain.line).toBeGreaterThan(1)
        for (const name of NAMES) {
          const e = await failure(host, source, name)
          expect(e.constructor).toBe(plain.constructor)
          expect({ name: e.scriptName, line: e.line, column: e.column }).toEqual({ name, line: plain.line, column: plain.column })
          expect(e.message).toBe(plain.message.replace(PLAIN, name))
          expect(stackOf(e)).toBe(stackOf(plain)?.replaceAll(PLAIN, name))
        }
      })
    }
  })
}
