import { createHost, type Host } from '@polyhost/core'
import { jsEngine } from '@polyhost/engine-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Playground, startPlayground } from '../src/index.js'

// a host made from a config may name its engines' languages as it likes: the playground takes
// every language the host routes, not only those equal to an engine's id
let host: Host
let pg: Playground
beforeAll(async () => {
  const js = jsEngine()
  host = await createHost({ engines: [{ ...js, languages: [...js.languages, 'ecmascript'] }] })
  pg = await startPlayground({ host })
})
afterAll(async () => {
  await pg?.close()
  await host?.close()
})

async function post(path: string, body: unknown) {
  const res = await fetch(`${pg.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

describe('languages the host routes', () => {
  it('run and check under every language of an engine, as host.execute does', async () => {
    expect((await host.execute({ language: 'ecmascript', source: '40 + 2' })).value).toBe(42)
    for (const language of ['ecmascript', 'javascript', 'js']) {
      expect(await post('/api/execute', { language, source: '40 + 2' }), language).toMatchObject({
        status: 200,
        body: { ok: true, value: 42 },
      })
      expect(await post('/api/check', { language, source: '1 +' }), language).toMatchObject({ status: 200, body: { ok: false } })
    }
  })

  it('/api/info answers the languages the host routes', async () => {
    const res = await fetch(`${pg.url}/api/info`)
    const body = (await res.json()) as { languages: string[] }
    expect(body.languages).toEqual([...host.languages])
    expect(body.languages).toContain('ecmascript')
    expect(body.languages).not.toContain('lua')
  })

  it('refuse a language no engine takes with the host own words, and no other', async () => {
    for (const language of ['lua', 'cobol', '__proto__', 'constructor']) {
      const r = await post('/api/execute', { language, source: '1' })
      expect(r, language).toMatchObject({ status: 400, body: { error: { code: 'E_LANGUAGE' } } })
      expect((r.body.error as { message: string }).message).toBe(`no engine for language '${language}' (have: js, javascript, ecmascript)`)
    }
  })
})
