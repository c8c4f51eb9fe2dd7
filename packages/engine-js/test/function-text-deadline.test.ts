import { createHost } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jsEngine } from '../src/index.js'
import { runInline } from './child/run-inline.js'
import { itAnswersAsRaw, rawDifferential } from './raw-differential.js'

// Function.prototype.toString copies (and decodes) a function's whole source text on each call,
// a few ticks: inline, under a 200 ms limit, a loop of toString() of a function made by
// \`new Function\` from 1e6 'é' held the host 0.3-2.8 s (the deadline is checked every 1,000
// ticks, a few hundred calls). Its text is now charged (guest-heavy-builtins.ts), so a long
// one makes the next call or branch check the deadline: 0.2-0.4 s measured on the same loaded
// machine. The time a loop runs over depends on the machine's load (a fresh state's heap growths
// also check the deadline), so the charge itself is shown by the instructions: a check the
// charge asked for ends a budget early, and the count is no longer a whole number of budgets.
describe('a long function text asks for a deadline check', () => {
  let host: Awaited<ReturnType<typeof createHost>>
  beforeAll(async () => {
    host = await createHost({ engines: [jsEngine()], limits: { timeoutMs: 30_000, memoryBytes: 256 * 2 ** 20 }, pool: { min: 1, max: 1 } })
  })
  afterAll(() => host.close())
  // a text of 1,024,000 units made by concatenation (the operator charges nothing), then read three times
  const made = "let s = '\\u00e9'.repeat(1000); for (let i = 0; i < 10; i++) s += s; const f = new Function(s); let n = 0;"
  const run = async (body: string) =>
    (await host.execute({ language: 'js', source: `${made} for (let i = 0; i < 3; i++) n += ${body}; n` })).stats
  it('three toString() of it: a check asked for, the budget cut short', async () => {
    expect((await run('f.toString().length')).instructions % 1_000).not.toBe(0)
  })
  it('the same without toString: no check asked for', async () => {
    expect((await run('s.length')).instructions % 1_000).toBe(0)
  })
})

describe('a loop of toString of a long function stops near the deadline (inline)', () => {
  const LIMITS = { timeoutMs: 200, memoryBytes: 256 * 2 ** 20 }
  const made = "const f = new Function('\\u00e9'.repeat(1e6)); let n = 0;"
  const CALLS: Record<string, string> = {
    'f.toString()': `${made} for (;;) n += f.toString().length`,
    'String(f)': `${made} for (;;) n += String(f).length`,
    'Function.prototype.toString.call(f)': `${made} for (;;) n += Function.prototype.toString.call(f).length`,
  }
  // one child each: a fresh state, whose heap has not yet grown for these texts
  it.each(Object.keys(CALLS))('%s ends with timeout within 1.5 s, and the next execution runs', { timeout: 60_000 }, async (name) => {
    const [, o, after] = await runInline(["'warm'", CALLS[name] as string, "'after'"], LIMITS)
    expect(o?.error?.limit).toBe('timeout')
    expect(o?.ms).toBeLessThan(1_500)
    expect(after?.value).toBe('after')
  })
})

describe('Function.prototype.toString answers as raw QuickJS', () => {
  const d = rawDifferential()
  itAnswersAsRaw(d, {
    'a long function':
      "const f = new Function('a', 'return a;' + ' '.repeat(20000)); [f.toString().length, f.toString().slice(0, 40)].join('|')",
    'functions, classes, methods, arrows':
      "[function a(x) { return x }, class A { m() {} }, { m() { return 1 } }.m, (x) => x, async function* g() {}].map(String).join('|')",
    builtins:
      "[Math.max, Function.prototype.toString, String.prototype.repeat, BigInt, RegExp].map((f) => Function.prototype.toString.call(f)).join('|')",
    'a receiver that is not a function': 'try { Function.prototype.toString.call({}) } catch (e) { String(e) }',
    'the function': 'const f = Function.prototype.toString; [f.name, f.length, Object.keys(f).length].join()',
  })
})
