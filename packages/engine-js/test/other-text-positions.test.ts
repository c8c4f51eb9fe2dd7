import { createHost, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jsEngine } from '../src/index.js'

// A classic script runs as eval'd text, so QuickJS names its frames `<input>`, as it names
// JSON.parse's text and what the script hands to eval or the Function constructor. All were
// renamed to the script, and the error placed at the first: `\n\nJSON.parse("{")` failed at
// line 1 column 1 (the JSON text's position), `new Function("(")` on line 3 at line 4,
// `(0, eval)("(")` at 1:1. The position is now the script's call; the other text's frames
// stay `<input>` with their own positions.

let host: Host
beforeAll(async () => {
  host = await createHost({ engines: [jsEngine()] })
})
afterAll(() => host.close())

async function failure(source: string, name = 'rule.js') {
  try {
    await host.execute({ language: 'js', source, name })
  } catch (e) {
    return e as { line?: number; column?: number; scriptStack?: string; message: string }
  }
  throw new Error('no failure')
}

describe('errors raised in a text the script parses are placed at the script call', () => {
  for (const [source, line, column] of [
    ['\n\nJSON.parse("{")', 3, 11],
    ['const x = 1\n\n\ntry { JSON.parse("{") } catch (e) { throw e }', 4, 17],
    ['\n\nnew Function("(")', 3, 13],
    ['\n\n(0, eval)("(")', 3, 10],
    ['\n\n(0, eval)("\\n\\nnull.x")', 3, 10],
    ['function f() {\n  return JSON.parse("[1,")\n}\nf()', 2, 3],
  ] as const) {
    it(JSON.stringify(source), async () => {
      const e = await failure(source)
      expect([e.line, e.column], e.scriptStack).toEqual([line, column])
      // the other text's frames keep their own name and position
      expect(e.scriptStack).toMatch(/<input>:\d+:\d+/)
    })
  }

  it("the script's own functions called by JSON.parse (a reviver) keep the script's positions", async () => {
    const e = await failure('\nJSON.parse("[1]", function rev(k, v) {\n  throw new Error("r")\n})')
    expect([e.line, e.column]).toEqual([3, 18])
    expect(e.scriptStack).toMatch(/at rev \(rule\.js:3:18\)/)
  })
})
