import { InvalidArgumentError } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_RESPONSE_LIMIT, type Playground, startPlayground } from '../src/index.js'
import { fixtureHost } from './fixture-host.js'

// Requests are capped by bodyLimit; answers were not: a 10 MiB Lua string of NULs came back as
// a 120 MiB answer (in value and values, each NUL escaped to 6 bytes) in 9–10 s, holding the
// server's event loop. An answer over responseLimit is now a small typed failure, and a single
// value is sent once.

let pg: Playground
let small: Playground
beforeAll(async () => {
  pg = await startPlayground({ host: (preset) => fixtureHost(preset) })
  small = await startPlayground({ host: (preset) => fixtureHost(preset), responseLimit: 4096 })
})
afterAll(async () => {
  await pg?.close()
  await small?.close()
})

async function run(source: string, base = pg.url) {
  const res = await fetch(`${base}/api/execute`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ language: 'lua', source }),
  })
  const text = await res.text()
  return { status: res.status, bytes: Buffer.byteLength(text), body: JSON.parse(text) }
}

describe('answer size', () => {
  it('answers a value over responseLimit (default 8 MiB) with a small E_RESPONSE_TOO_LARGE failure', async () => {
    expect(DEFAULT_RESPONSE_LIMIT).toBe(8 * 1024 * 1024)
    const r = await run('return string.rep("\\0", 10 * 1024 * 1024)')
    expect(r.status).toBe(200)
    expect(r.bytes).toBeLessThan(1024)
    expect(r.body).toEqual({
      ok: false,
      error: {
        name: 'ResponseTooLargeError',
        code: 'E_RESPONSE_TOO_LARGE',
        message: expect.stringMatching(/^the answer is at least \d+ bytes as JSON, over the playground's responseLimit \(8388608 bytes\)/),
        limit: 'response',
        used: expect.any(Number),
        max: 8388608,
      },
      logs: [],
    })
    // counted as JSON (each NUL 6 bytes), until past the limit
    expect(r.body.error.used).toBeGreaterThan(8 * 1024 * 1024)
  })

  it('follows responseLimit, logs included; an answer within it is unchanged', async () => {
    expect((await run('return string.rep("x", 1500)', small.url)).body).toMatchObject({ ok: true, value: 'x'.repeat(1500) })
    const value = await run('return string.rep("x", 5000)', small.url)
    expect(value.body.error).toMatchObject({ code: 'E_RESPONSE_TOO_LARGE', limit: 'response', max: 4096 })
    expect(value.body.error.used).toBeGreaterThan(4096)
    const logs = await run('for i = 1, 100 do print(string.rep("y", 50)) end return 1', small.url)
    expect(logs.body.error).toMatchObject({ code: 'E_RESPONSE_TOO_LARGE' })
  })

  it('sends a single value once: values and texts only when there is not exactly one', async () => {
    const one = await run('return string.rep("x", 100000)')
    expect(one.body).toMatchObject({ ok: true, value: 'x'.repeat(100000), text: expect.any(String) })
    expect(one.body).not.toHaveProperty('values')
    expect(one.body).not.toHaveProperty('texts')
    expect(one.bytes).toBeLessThan(150_000)
    expect((await run('return 1, nil')).body).toMatchObject({ value: 1, values: [1, null], texts: ['1', 'nil'] })
    expect((await run('return')).body).toMatchObject({ value: null, text: 'nil', values: [], texts: [] })
  })

  it('refuses a responseLimit under 1024', async () => {
    const e = await startPlayground({ host: (preset) => fixtureHost(preset), responseLimit: 100 }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(InvalidArgumentError)
    expect((e as Error).message).toBe('startPlayground: responseLimit must be an integer of at least 1024, received 100')
  })
})
