import { getQuickJS } from 'quickjs-emscripten'
import { createHost, type Host, ScriptRuntimeError } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jsEngine } from '../src/index.js'

// The line numbers a script reads in its own error.stack: the engine's strict-mode prologue
// was a line of its own, so every line read one too many (`at f (<input>:2:31)` for line 1).
// The prologue now shares the first line; the frames of the script's own code carry the
// lines raw QuickJS gives for the same source. Errors reported to the host keep their exact
// line and column.

let host: Host
beforeAll(async () => {
  host = await createHost({ engines: [jsEngine()] })
})
afterAll(() => host.close())

/** The line numbers of the frames in a stack, innermost first. */
const lines = (stack: string) => [...stack.matchAll(/:(\d+):\d+\)?$/gm)].map((m) => Number(m[1]))

const SOURCES = [
  '\nconst e = new Error("x"); e.stack',
  'function f() { return new Error("y").stack }\n\n\nf()',
  '(() => { try { null.x } catch (e) { return e.stack } })()',
  'let s\nfor (const x of [1]) {\n  s = [0].map(function g() { return new Error().stack })[0]\n}\ns',
]

describe('line numbers in a script-visible stack', () => {
  it('are those raw QuickJS gives for the same source', async () => {
    const qjs = await getQuickJS()
    for (const source of SOURCES) {
      const ctx = qjs.newContext()
      const r = ctx.evalCode(source, 'script.js')
      const raw = r.error ? '' : (ctx.getString(r.value) as string)
      if (r.error) r.error.dispose()
      else r.value.dispose()
      ctx.dispose()
      const mine = (await host.execute({ language: 'js', source })).value as string
      // raw frames are the script's own; the sandbox adds frames of its own set-up (`<setup>`, native)
      const own = mine
        .split('\n')
        .filter((l) => /<input>|<expr>/.test(l))
        .join('\n')
      expect(lines(own), source).toEqual(lines(raw))
    }
  })

  it('errors reported to the host carry the line and column raw QuickJS gives, on the first line too', async () => {
    const qjs = await getQuickJS()
    for (const source of ['null.x', 'let a = 1\n  a.b.c', '  undefinedFn()', '[1].map(() => null.y)', 'throw new Error("here")']) {
      const ctx = qjs.newContext()
      const r = ctx.evalCode(source, 'script.js')
      const stack = r.error ? (ctx.dump(r.error) as { stack: string }).stack : ''
      if (r.error) r.error.dispose()
      else r.value.dispose()
      ctx.dispose()
      const top = /script\.js:(\d+):(\d+)/.exec(stack)
      const e = await host.execute({ language: 'js', source }).catch((x: unknown) => x)
      expect(e, source).toBeInstanceOf(ScriptRuntimeError)
      expect([(e as ScriptRuntimeError).line, (e as ScriptRuntimeError).column], source).toEqual([Number(top?.[1]), Number(top?.[2])])
    }
  })
})
