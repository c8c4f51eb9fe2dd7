import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Playground, startPlayground } from '../src/index.js'
import { fixtureHost } from './fixture-host.js'

// The API decodes every body as UTF-8, yet took `application/json; charset=utf-16` (or latin1)
// and misread it: a UTF-16 body failed as malformed JSON, a Latin-1 one as bytes that are not
// UTF-8, neither saying that the charset was the problem. A charset other than UTF-8 is now a
// 415, as any other media type is; JSON's own charset (none, or utf-8 in any spelling) runs.

let pg: Playground
beforeAll(async () => {
  pg = await startPlayground({ host: (preset) => fixtureHost(preset) })
})
afterAll(() => pg?.close())

async function execute(contentType: string, body: string | Uint8Array) {
  const res = await fetch(`${pg.url}/api/execute`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : new Blob([body as Uint8Array<ArrayBuffer>]),
  })
  return { status: res.status, body: (await res.json()) as { ok?: boolean; value?: unknown; error?: { code: string; message: string } } }
}

const script = JSON.stringify({ language: 'lua', source: 'return #"é"' })

describe('the charset of a JSON body', () => {
  it.each([
    ['utf-16', Buffer.from(script, 'utf16le'), 'utf-16'],
    ['UTF-16LE', Buffer.from(script, 'utf16le'), 'UTF-16LE'],
    ['latin1', Buffer.from(script, 'latin1'), 'latin1'],
    ['"iso-8859-1" quoted', Buffer.from(script, 'latin1'), 'iso-8859-1'],
  ])('charset=%s is refused with 415, naming it', async (charset, body, named) => {
    const r = await execute(`application/json; charset=${charset.replace(' quoted', '')}`, body)
    expect(r.status).toBe(415)
    expect(r.body.error).toEqual({ code: 'E_CONTENT_TYPE', message: `request body must be UTF-8 JSON, not charset "${named}"` })
  })

  it.each(['application/json', 'application/json; charset=utf-8', 'Application/JSON;Charset="UTF-8"', 'application/json; charset=utf8'])(
    '%s runs',
    async (contentType) => {
      const r = await execute(contentType, script)
      expect(r).toEqual({ status: 200, body: expect.objectContaining({ ok: true, value: 2 }) })
    },
  )

  // the first charset won: a body a proxy labelled twice was read by one label, checked by none
  it.each(['charset=utf-8; charset=latin1', 'charset=latin1; charset=utf-8', 'charset=utf-8; CHARSET=utf-8'])(
    'a repeated charset (%s) is refused with 415',
    async (params) => {
      const r = await execute(`application/json; ${params}`, script)
      expect(r.status).toBe(415)
      expect(r.body.error).toEqual({ code: 'E_CONTENT_TYPE', message: 'request body must be UTF-8 JSON with one charset parameter, not 2' })
    },
  )
})
