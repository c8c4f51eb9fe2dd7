import type { Host } from '@polyhost/core'
import parsePrometheusTextFormat from 'parse-prometheus-text-format'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Playground, startPlayground } from '../src/index.js'
import { fixtureHost } from './fixture-host.js'

let pg: Playground
let guarded: Playground
let host: Host

beforeAll(async () => {
  pg = await startPlayground({ host: (preset) => fixtureHost(preset), bodyLimit: 64 * 1024 })
  host = await fixtureHost()
  guarded = await startPlayground({ host, auth: (req) => req.headers.authorization === 'Bearer s3cret' })
})
afterAll(async () => {
  await pg?.close()
  await guarded?.close()
  await host?.close()
})

// biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field by the assertions
type Json = any

async function post(path: string, body: unknown, headers: Record<string, string> = {}, base = pg.url) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : body instanceof Uint8Array ? new Blob([body as Uint8Array<ArrayBuffer>]) : JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as Json }
}

describe('POST /api/execute', () => {
  it('runs Lua and JS with bridges, globals and context, and answers value, logs and stats', async () => {
    const lua = await post('/api/execute', {
      language: 'lua',
      source: 'kv.set("a", order.id) print("qty", order.qty) return kv.get("a") .. "/" .. context.tenant',
      globals: { order: { id: 'o1', qty: 3 } },
      context: { tenant: 't1' },
    })
    expect(lua.status).toBe(200)
    expect(lua.body).toMatchObject({ ok: true, value: 'o1/t1', logs: [{ level: 'info', message: 'qty\t3' }] })
    expect(lua.body.stats).toMatchObject({ engine: 'lua', bridgeCalls: 2 })
    expect(lua.body.stats.instructions).toBeGreaterThan(0)
    const js = await post('/api/execute', { language: 'js', source: 'console.log("hi"); ({ n: [1, 2n, 3] })', policy: 'minimal' })
    expect(js.body).toMatchObject({ ok: true, value: { n: [1, { $bigint: '2' }, 3] }, logs: [{ message: 'hi' }], stats: { engine: 'js' } })
  })

  it("answers Lua's nil among several values as nil in texts, as the CLI prints it (before: null)", async () => {
    const lua = await post('/api/execute', { language: 'lua', source: 'return 1, nil, 3' })
    expect(lua.body).toMatchObject({ ok: true, values: [1, null, 3], texts: ['1', 'nil', '3'] })
    expect((await post('/api/execute', { language: 'lua', source: 'return nil' })).body).toMatchObject({ value: null, text: 'nil' })
    const js = await post('/api/execute', { language: 'js', source: 'null' })
    expect(js.body).toMatchObject({ ok: true, value: null, text: 'null' })
  })

  it('answers an invalid Date as a value (null, text "Invalid Date"), not as a 500', async () => {
    const r = await post('/api/execute', { language: 'js', source: 'new Date(NaN)' })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ ok: true, value: null, text: 'Invalid Date' })
  })

  it('answers a script error with its line, and a runaway script with the limit that stopped it', async () => {
    const syntax = await post('/api/execute', { language: 'lua', source: 'local x = 1\nlocal y = = 2' })
    expect(syntax.body).toMatchObject({ ok: false, error: { name: 'ScriptSyntaxError', line: 2 } })
    const runtime = await post('/api/execute', { language: 'js', source: '1\nnull.x' })
    expect(runtime.body).toMatchObject({ ok: false, error: { name: 'ScriptRuntimeError', line: 2 } })
    const started = Date.now()
    const loop = await post('/api/execute', { language: 'lua', source: 'while true do end', limits: { instructions: 100_000 } })
    expect(loop.body).toMatchObject({ ok: false, error: { name: 'LimitExceededError', limit: 'instructions', max: 100_000 } })
    const slow = await post('/api/execute', { language: 'js', source: 'while (true) {}', limits: { timeoutMs: 200 } })
    expect(slow.body).toMatchObject({
      ok: false,
      error: { name: 'LimitExceededError', limit: expect.stringMatching(/timeout|instructions/) },
    })
    expect(Date.now() - started).toBeLessThan(15_000)
  })

  it('checks declared globals: a wrong one is a ConversionError naming the path', async () => {
    const r = await post('/api/execute', { language: 'lua', source: 'return 1', globals: { order: { id: 'x', qty: 1.5 } } })
    expect(r.body).toMatchObject({ ok: false, error: { name: 'ConversionError', path: '$.order.qty' } })
  })

  it('runs 100 concurrent executions, every one answering its own result', async () => {
    const all = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        post('/api/execute', i % 2 ? { language: 'lua', source: `return ${i} * 2` } : { language: 'js', source: `${i} * 2` }),
      ),
    )
    all.forEach((r, i) => {
      expect(r.status).toBe(200)
      expect(r.body).toMatchObject({ ok: true, value: i * 2 })
    })
  }, 60_000)
})

describe('a failed run answers the lines printed before it failed', () => {
  it('beside a runtime error, a limit trip and a declared-global error', async () => {
    const lua = await post('/api/execute', { language: 'lua', source: 'print("one") print("two", 2)\nerror("boom")' })
    expect(lua.body).toMatchObject({ ok: false, error: { name: 'ScriptRuntimeError', line: 2 } })
    expect(lua.body.logs.map((l: Json) => [l.level, l.message])).toEqual([
      ['info', 'one'],
      ['info', 'two\t2'],
    ])
    const js = await post('/api/execute', {
      language: 'js',
      source: 'console.warn("careful"); while (true) {}',
      limits: { instructions: 100_000 },
    })
    expect(js.body).toMatchObject({ ok: false, error: { name: 'LimitExceededError', limit: 'instructions' } })
    expect(js.body.logs).toMatchObject([{ level: 'warn', message: 'careful' }])
    // nothing ran: no lines, but the field is there
    const early = await post('/api/execute', { language: 'lua', source: 'return 1', globals: { order: { id: 'x', qty: 1.5 } } })
    expect(early.body).toMatchObject({ ok: false, error: { name: 'ConversionError' }, logs: [] })
  })

  it('each of many concurrent failed runs answers its own lines', async () => {
    const all = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        post(
          '/api/execute',
          i % 2
            ? { language: 'lua', source: `print("run ${i}") error("no")` }
            : { language: 'js', source: `console.log("run ${i}"); throw new Error("no")` },
        ),
      ),
    )
    all.forEach((r, i) => {
      expect(r.body).toMatchObject({ ok: false, logs: [{ message: `run ${i}` }] })
    })
  }, 60_000)
})

describe('bad requests get a 4xx with a clear message', () => {
  it.each([
    ['malformed JSON', '{"language": "lua", ', 400, /malformed JSON/],
    ['a JSON array', '[1]', 400, /must be a JSON object/],
    ['an unknown language', { language: 'cobol', source: 'x' }, 400, /no engine for language 'cobol' \(have: lua, js, javascript\)/],
    ['a missing source', { language: 'lua' }, 400, /source: .*expected string/],
    ['an unknown field', { language: 'lua', source: '1', sauce: 1 }, 400, /unknown field 'sauce'/],
    ['an unknown preset', { language: 'lua', source: '1', policy: 'lax' }, 400, /policy: /],
    ['limits above the host', { language: 'lua', source: 'return 1', limits: { timeoutMs: 1e9 } }, 400, /may only tighten/],
    ['an unknown limit', { language: 'lua', source: 'return 1', limits: { fuel: 1 } }, 400, /unknown limit 'fuel'/],
    // JSON.parse makes `__proto__` an own key, as host.execute sees it: the same 400, not dropped
    [
      'a __proto__ limit',
      '{"language":"lua","source":"return 1","limits":{"__proto__":{"timeoutMs":50}}}',
      400,
      /unknown limit '__proto__'/,
    ],
    // the same for a global: before, zod's record made it the prototype of the globals, so the
    // global was silently gone (and host.execute gives it a JS engine as the global's prototype)
    [
      'a __proto__ global',
      '{"language":"js","source":"typeof x","globals":{"__proto__":{"x":1}}}',
      400,
      /globals: '__proto__' cannot be a global name/,
    ],
    ['globals that are not an object', { language: 'lua', source: 'return 1', globals: [1] }, 400, /globals: expected an object/],
    ['limits that are not an object', { language: 'lua', source: 'return 1', limits: [1] }, 400, /limits: expected an object/],
  ])('%s', async (_what, body, status, message) => {
    const r = await post('/api/execute', body)
    expect(r.status).toBe(status)
    expect(r.body.error.message).toMatch(message)
  })

  it('a body that is not UTF-8 is 400 naming the first bad byte, not run with U+FFFD in its place', async () => {
    const latin1 = Buffer.concat([Buffer.from('{"language":"lua","source":"return #\\"'), Buffer.from([0xe9]), Buffer.from('\\""}')])
    const bad = await post('/api/execute', latin1 as unknown as string)
    expect(bad.status).toBe(400)
    expect(bad.body.error).toEqual({
      code: 'E_ENCODING',
      message: 'POST /api/execute: the body is not UTF-8: byte 0xE9 at offset 38 (scripts and inputs must be UTF-8 text)',
    })
    const check = await post('/api/check', Buffer.from([0x7b, 0xff, 0x7d]) as unknown as string)
    expect(check.status).toBe(400)
    expect(check.body.error.message).toMatch(/^POST \/api\/check: the body is not UTF-8: byte 0xFF at offset 1 /)
    // the same script as UTF-8 runs: é is 2 bytes
    const good = await post('/api/execute', { language: 'lua', source: 'return #"é"' })
    expect(good.body).toMatchObject({ ok: true, value: 2 })
  })

  it('a body over the cap is 413, a form post 415, a wrong method 405, an unknown path 404', async () => {
    const big = await post('/api/execute', { language: 'lua', source: `return "${'x'.repeat(70 * 1024)}"` })
    expect(big.status).toBe(413)
    expect(big.body.error.message).toMatch(/over 65536 bytes/)
    const form = await post('/api/execute', 'language=lua', { 'content-type': 'application/x-www-form-urlencoded' })
    expect(form.status).toBe(415)
    expect((await fetch(`${pg.url}/api/execute`)).status).toBe(405)
    expect((await fetch(`${pg.url}/api/nothing`)).status).toBe(404)
    const typings = await fetch(`${pg.url}/api/typings?lang=cobol`)
    expect(typings.status).toBe(400)
    expect(((await typings.json()) as Json).error.message).toMatch(/unknown language 'cobol'/)
  })

  it('the auth hook guards the API and /metrics; a single host refuses a preset', async () => {
    expect((await post('/api/execute', { language: 'lua', source: 'return 1' }, {}, guarded.url)).status).toBe(401)
    expect((await fetch(`${guarded.url}/metrics`)).status).toBe(401)
    const ok = await post('/api/execute', { language: 'lua', source: 'return 1' }, { authorization: 'Bearer s3cret' }, guarded.url)
    expect(ok.body).toMatchObject({ ok: true, value: 1 })
    const preset = await post(
      '/api/execute',
      { language: 'lua', source: '1', policy: 'strict' },
      { authorization: 'Bearer s3cret' },
      guarded.url,
    )
    expect(preset.status).toBe(400)
  })

  it('binds 127.0.0.1 and refuses a foreign Host header (DNS rebinding)', async () => {
    expect(pg.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const { request } = await import('node:http')
    const status = await new Promise<number>((resolve, reject) => {
      const r = request(`${pg.url}/api/stats`, { headers: { host: 'evil.example:80' } }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      r.on('error', reject)
      r.end()
    })
    expect(status).toBe(421)
  })
})

describe('check, typings, stats and metrics', () => {
  it('POST /api/check reports a syntax error with its line without running', async () => {
    expect((await post('/api/check', { language: 'lua', source: 'kv.set("ran", "yes")' })).body).toEqual({ ok: true })
    const bad = await post('/api/check', { language: 'js', source: 'let a = 1\nlet = ;' })
    expect(bad.body).toMatchObject({ ok: false, error: { name: 'ScriptSyntaxError', line: 2 } })
  })

  it('GET /api/typings gives the .d.ts, the Lua annotations and a JSON model', async () => {
    const dts = await (await fetch(`${pg.url}/api/typings?lang=js`)).text()
    expect(dts).toContain('declare namespace kv {')
    expect(dts).toContain('declare const order: { id: string; qty: number }')
    const lua = await (await fetch(`${pg.url}/api/typings?lang=lua`)).text()
    expect(lua).toContain('function kv.get(key) end')
    const model: Json = await (await fetch(`${pg.url}/api/typings?lang=lua&format=json`)).json()
    expect(model.bridges[0].methods.map((m: { name: string }) => m.name)).toEqual(['get', 'set'])
  })

  it('GET /api/stats and GET /metrics count executions, failures and limit trips; /metrics parses as Prometheus text', async () => {
    const stats: Json = await (await fetch(`${pg.url}/api/stats`)).json()
    expect(stats.total.executions).toBeGreaterThanOrEqual(100)
    expect(stats.total.limitTrips.instructions).toBeGreaterThanOrEqual(1)
    expect(Object.keys(stats.total.pools).sort()).toEqual(['js', 'lua'])
    const res = await fetch(`${pg.url}/metrics`)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const text = await res.text()
    // the parser throws on any line that is not Prometheus text format
    const families = parsePrometheusTextFormat(text)
    const byName = new Map(families.map((f) => [f.name, f]))
    const value = (name: string, labels: Record<string, string> = {}) =>
      Number(byName.get(name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))?.value)
    expect(byName.get('polyhost_executions_total')?.type).toBe('COUNTER')
    expect(value('polyhost_executions_total')).toBe(stats.total.executions)
    expect(value('polyhost_execution_failures_total')).toBe(stats.total.failures)
    expect(value('polyhost_limit_trips_total', { limit: 'instructions' })).toBe(stats.total.limitTrips.instructions)
    expect(byName.get('polyhost_execution_duration_seconds')?.type).toBe('HISTOGRAM')
    // the parser folds labelled histograms into one bucket map: read their counts from the text
    const okLua = /^polyhost_execution_duration_seconds_count\{engine="lua",outcome="ok"\} (\d+)$/m.exec(text)
    expect(Number(okLua?.[1])).toBeGreaterThanOrEqual(50)
    expect(text).toMatch(/^polyhost_execution_duration_seconds_count\{engine="lua",outcome="limit"\} [1-9]/m)
    expect(byName.get('polyhost_pool_states')?.metrics.some((m) => m.labels?.engine === 'js')).toBe(true)
  })
})
