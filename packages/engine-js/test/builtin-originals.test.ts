import { createHost } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jsEngine } from '../src/index.js'
import { itAnswersAsRaw, rawDifferential } from './raw-differential.js'

// A guest helper that calls a builtin for its own work takes the builtin itself
// (`originalOf` of guest-setup.ts's builtinWrapping), not a wrapper another `bound*` function
// put in its place first: a short join checked its text for an exponent with the
// `includes` that guest-string-search had already replaced, two guest calls of the wrapper
// per join (a loop of 20,000 three-string joins read 859,238 instructions, 539,326 with the
// builtin). Instructions are ticks (calls and backward branches): the same for every run.
describe('engine-js: guest helpers call the builtins, not their wrappers', () => {
  let host: Awaited<ReturnType<typeof createHost>>
  beforeAll(async () => {
    host = await createHost({ engines: [jsEngine()], pool: { min: 1, max: 1 } })
  })
  afterAll(() => host.close())

  const loop = (body: string) => `const a = ['ab', 'cd', 'ef']; let n = 0; for (let i = 0; i < 20000; i++) n += ${body}; n`
  const ticks = async (body: string) => (await host.execute({ language: 'js', source: loop(body) })).stats.instructions

  it('a short join costs its wrapper only: under 32 ticks a call (a wrapped includes added 16)', async () => {
    const joins = await ticks("a.join('-').length")
    const bare = await ticks('a.length')
    expect((joins - bare) / 20_000).toBeLessThan(32)
  })

  // lockdown's Function.prototype.toString checks a replaced builtin's text with the builtin
  // endsWith: 21 ticks a call, 29 through guest-heavy-builtins' wrapper of it
  it("a replaced builtin's text costs under 25 ticks a call", async () => {
    const shown = await ticks('String(Array.prototype.join).length')
    const bare = await ticks('a.length')
    expect((shown - bare) / 20_000).toBeLessThan(25)
  })
})

describe('engine-js: short joins (the text checked for an exponent) answer as raw QuickJS', () => {
  const d = rawDifferential()
  itAnswersAsRaw(d, {
    strings: "['ab', 'cd', 'ef'].join('-')",
    'numbers with exponents': "JSON.stringify([[1e-7, 2], [1e21, 3], [5e-324], [0.5, 'e-']].map((a) => a.join()))",
    'a string that includes e+': "[1, 'e+', 2].join('')",
  })
})
