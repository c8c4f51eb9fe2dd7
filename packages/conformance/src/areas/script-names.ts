import { type Host, ScriptRuntimeError, ScriptSyntaxError } from '@polyhost/core'
import { test } from '../checks.js'
import type { TestKit } from '../kit.js'
import type { ConformanceArea } from '../types.js'

/**
 * Script names that are no plain file names: a name is the caller's text and may hold NUL, line
 * breaks, U+2028, terminal controls, many multi-byte characters or hundreds of characters (a
 * CLI runs files named so). An engine's own chunk or file name is a C string and its messages
 * and stack frames are lines, so each engine must compile under a name it can carry and report
 * the caller's own: the same error class, line, column, message and stack as the same script
 * under a plain name, with the name swapped.
 */
const NAMES = ['a\0b', 'a\nb', 'a\r\nb', 'a\u2028b', 'a\x1b[2Kb', 'é'.repeat(40), 'x'.repeat(300)]

type ScriptError = ScriptRuntimeError | ScriptSyntaxError

async function failure(t: TestKit, host: Host, source: string, name: string): Promise<ScriptError> {
  const e = await t.run(host, source, { name }).catch((x: unknown) => x)
  if (!(e instanceof ScriptRuntimeError || e instanceof ScriptSyntaxError)) throw new Error(`no script error: ${String(e)}`)
  return e
}

const stackOf = (e: ScriptError) => (e instanceof ScriptRuntimeError ? e.scriptStack : undefined)

async function sameAsPlain(t: TestKit, source: string): Promise<void> {
  const host = await t.host()
  const plainName = t.name('plain')
  const plain = await failure(t, host, source, plainName)
  t.expect(plain.line, 'the plain-named error has its line').toBeGreaterThan(1)
  for (const base of NAMES) {
    const name = t.name(base)
    const e = await failure(t, host, source, name)
    const shown = JSON.stringify(name)
    t.expect(e.constructor, shown).toBe(plain.constructor)
    t.expect({ name: e.scriptName, line: e.line, column: e.column }, shown).toEqual({
      name,
      line: plain.line,
      column: plain.column,
    })
    t.expect(e.message, shown).toBe(plain.message.replace(plainName, name))
    t.expect(stackOf(e), shown).toBe(stackOf(plain)?.replaceAll(plainName, name))
  }
}

export const scriptNamesArea: ConformanceArea = {
  name: 'script-names',
  tests: [
    test('script-names.throw', 'a thrown error under a name with controls keeps its line, message and stack', async (t) => {
      await sameAsPlain(t, `\n\n${t.s.throwError('boom-7')}`)
    }),
    test('script-names.runtime', 'a runtime error under a name with controls keeps its line, message and stack', async (t) => {
      await sameAsPlain(t, `\n${t.s.callMissing()}`)
    }),
    test('script-names.syntax', 'a syntax error under a name with controls keeps its line and message', async (t) => {
      const snippet = t.s.syntaxError()
      if ((snippet.line ?? 1) > 1) await sameAsPlain(t, snippet.source)
      else await sameAsPlain(t, `\n\n${snippet.source}`)
    }),
  ],
}
