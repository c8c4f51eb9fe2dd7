import { createHost, type Host, ScriptRuntimeError, ScriptSyntaxError } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jsEngine } from '../src/index.js'

// A script name is the caller's text: it may hold NUL, line breaks or other controls (the CLI
// runs files named so). QuickJS cuts a file name at NUL and a stack frame is one line, so the
// engine compiles under an escaped name and reports the caller's own name; line, column and
// stack must be what the same script reports under a plain name. Thrown, runtime and syntax
// errors are checked for every engine by the conformance kit (area script-names); these are the
// JS-only paths: a module and an error after an await. Worker isolation loads dist/.

const SOURCES = {
  runtime: 'let x = 1\nfunction f() { throw new Error("boom") }\nf()',
  module: 'export const a = 1\n\nnull.b',
  asyncLater: 'await 0\nlet t = {}\nt.a.b',
}
const NAMES = ['a\0b.js', 'a\nb.js', 'a\r\nb.js', 'a\u2028b', 'a\x1b[2Kb.js', `${'é'.repeat(40)}.js`, 'x'.repeat(300)]
const PLAIN = 'plain.js'

async function failure(host: Host, source: string, name: string): Promise<ScriptRuntimeError | ScriptSyntaxError> {
  const e = await host.execute({ language: 'js', source, name }).catch((x: unknown) => x)
  if (!(e instanceof ScriptRuntimeError || e instanceof ScriptSyntaxError)) throw new Error(`no script error: ${String(e)}`)
  return e
}

const stackOf = (e: ScriptRuntimeError | ScriptSyntaxError) => (e instanceof ScriptRuntimeError ? e.scriptStack : undefined)

for (const isolation of ['inline', 'worker'] as const) {
  describe(`JS script names with controls (${isolation})`, () => {
    let host: Host
    beforeAll(async () => {
      host = await createHost({ engines: [jsEngine()], ...(isolation === 'worker' ? { isolation, workers: 1 } : {}) })
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
