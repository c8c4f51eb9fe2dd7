import { createHost, type Host, type Limits, LimitExceededError, ScriptSyntaxError } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jsEngine } from '../src/index.js'

// Limits are small so runaways stop fast; margins are generous (a loaded 2-core box).
const LIMITS: Limits = {
  timeoutMs: 1_000,
  instructions: 20_000_000,
  memoryBytes: 32 << 20,
  stackDepth: 150,
  outputBytes: 64 * 1024,
  bridgeCalls: 1_000,
}
const MARGIN_MS = 6_000

let host: Host
let untimed: Host
beforeAll(async () => {
  host = await createHost({ engines: [jsEngine()], limits: LIMITS, pool: { min: 1, max: 2 } })
  untimed = await createHost({ engines: [jsEngine()], limits: { ...LIMITS, instructions: false }, pool: { min: 1, max: 1 } })
})
afterAll(async () => {
  await host.close()
  await untimed.close()
})

async function expectTrip(source: string, limits: readonly string[], request: Limits = {}, globals?: Record<string, unknown>, on = host) {
  const started = performance.now()
  const err = await on.execute({ language: 'js', source, limits: request, ...(globals ? { globals } : {}) }).then(
    () => undefined,
    (e: unknown) => e,
  )
  const elapsed = performance.now() - started
  expect(err, `expected a LimitExceededError, got ${String(err)}`).toBeInstanceOf(LimitExceededError)
  expect(limits).toContain((err as LimitExceededError).limit)
  const timeout = request.timeoutMs ?? LIMITS.timeoutMs
  expect(elapsed).toBeLessThan((timeout as number) + MARGIN_MS)
  // the host is healthy and the next execution is correct
  const next = await on.execute({ language: 'js', source: 'let n = 20; n + 22' })
  expect(next.value).toBe(42)
  return err as LimitExceededError
}

describe('runaway scripts stop with LimitExceededError', () => {
  it('while(true){} — instructions', async () => {
    await expectTrip('while (true) {}', ['instructions'], { instructions: 1_000_000 })
  })

  it('while(true){} — timeout, even inside try/catch', async () => {
    const e = await expectTrip('try { while (true) {} } catch (e) {}; 1', ['timeout'], { timeoutMs: 300 }, undefined, untimed)
    expect(e.max).toBe(300)
  })

  it('deep recursion — stack', async () => {
    await expectTrip('function f(n) { return f(n + 1) + 1 }\nf(0)', ['stack'])
  })

  it('async loop while(true) await null', async () => {
    await expectTrip('async function f() { while (true) await null }\nawait f()', ['instructions', 'timeout'])
  })

  it('a runaway async function whose interrupt the script catches', async () => {
    await expectTrip('(async () => { while (true) {} })().catch(() => {}); while (true) {}', ['instructions', 'timeout'])
  })

  it('promise-job flood', async () => {
    await expectTrip('function f() { Promise.resolve().then(f); Promise.resolve().then(f) }\nf(); 1', ['instructions', 'timeout', 'memory'])
  })

  it('string doubling', async () => {
    await expectTrip("let s = 'x'; while (true) s += s", ['memory'])
  })

  it('string doubling with flattening', async () => {
    await expectTrip("let s = 'x'; while (true) { s = s.repeat(2); s.charCodeAt(s.length - 1) }", ['memory'])
  })

  it('many 256 KiB strings kept alive', async () => {
    const e = await expectTrip("const keep = []; for (let i = 0; ; i++) keep.push('x'.repeat(262144) + i)", ['memory'])
    expect(e.max).toBe(32 << 20)
  })

  it('new ArrayBuffer in a loop, mid-size, kept alive', async () => {
    await expectTrip('const keep = []; while (true) keep.push(new ArrayBuffer(100_000))', ['memory'])
  })

  it("'x'.repeat(2**29), even when caught", async () => {
    await expectTrip("try { 'x'.repeat(2 ** 29) } catch (e) {}; 1", ['memory'])
  })

  it('catastrophic regex backtracking', async () => {
    await expectTrip("/(a+)+$/.test('a'.repeat(40) + 'b')", ['instructions', 'timeout'])
  })

  it('JSON.parse of a huge in-script string', async () => {
    await expectTrip("const s = '[' + '1,'.repeat(2e7) + '1]'; JSON.parse(s).length", ['memory'])
  })

  it('output flood', async () => {
    await expectTrip("while (true) console.log('x'.repeat(1000))", ['output'])
  })

  it('bridge-call flood through a host function', async () => {
    await expectTrip('while (true) { try { f() } catch (e) {} }', ['bridgeCalls'], {}, { f: () => 1 })
  })
})

describe('sources that overwhelm the parser', () => {
  it('deep nesting is a ScriptSyntaxError, never a host stack overflow; the next compile works', async () => {
    const sources = [
      `${'('.repeat(100_000)}1${')'.repeat(100_000)}`,
      `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
      `${'(function(){'.repeat(5_000)}${'})'.repeat(5_000)}`,
      `${'`${'.repeat(5_000)}1${'}`'.repeat(5_000)}`,
    ]
    for (const source of sources) {
      const err = await host.execute({ language: 'js', source }).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(err).toBeInstanceOf(ScriptSyntaxError)
      expect((err as Error).message).toMatch(/^SyntaxError: /)
    }
    expect((await host.execute({ language: 'js', source: '((1 + 2) * [3][0])' })).value).toBe(9)
    expect((await host.execute({ language: 'js', source: 'let n = 20; n + 22' })).value).toBe(42)
  })
})
