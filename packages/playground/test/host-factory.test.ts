import type { Host } from '@polyhost/core'
import { describe, expect, it } from 'vitest'
import { PlaygroundHosts, startPlayground } from '../src/index.js'
import { fixtureHost } from './fixture-host.js'

// a careless host developer's factory: one that answers a Host without a promise, throws at
// once, or answers something that is no Host. The playground closes the hosts its factory made.

async function run(url: string) {
  const res = await fetch(`${url}/api/execute`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"language":"lua","source":"return 1 + 1"}',
  })
  const body = (await res.json()) as { ok?: boolean; value?: unknown }
  return res.status === 200 && body.ok ? body.value : res.status
}

describe('a host factory', () => {
  it('may answer a Host without a promise', async () => {
    const host = await fixtureHost()
    const pg = await startPlayground({ host: (() => host) as never })
    try {
      expect(await run(pg.url)).toBe(2)
    } finally {
      await pg.close()
    }
    await expect(host.execute({ language: 'lua', source: 'return 1' })).rejects.toThrow(/closed/)
  })

  it('that throws at once or answers no Host fails the request (500), is retried, and close still resolves', async () => {
    let calls = 0
    const host: Host = await fixtureHost()
    const factory = (() => {
      calls++
      if (calls === 1) throw new Error('not yet')
      if (calls === 2) return null
      return host
    }) as never
    const pg = await startPlayground({ host: factory })
    try {
      expect(await run(pg.url)).toBe(500)
      expect(await run(pg.url)).toBe(500)
      expect((await fetch(`${pg.url}/api/stats`)).status).toBe(200)
      expect(await run(pg.url)).toBe(2)
      expect(calls).toBe(3)
    } finally {
      await expect(pg.close()).resolves.toBeUndefined()
    }
  })

  it('is not called once the hosts are closing: a host made then would outlive them', async () => {
    let calls = 0
    const hosts = new PlaygroundHosts(async () => {
      calls++
      return fixtureHost()
    })
    const closing = hosts.close()
    await expect(hosts.get('strict')).rejects.toThrow(/closed/)
    await closing
    expect(calls).toBe(0)
  })
})
