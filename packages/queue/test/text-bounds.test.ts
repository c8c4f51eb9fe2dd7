import { InvalidArgumentError } from '@polyhost/core'
import { MAX_NAME_LENGTH } from '@polyhost/core/engine'
import { describe, expect, it } from 'vitest'
import { uniqueName, useQueueFixture } from './support.js'

// Free text a caller gives is bounded and kept apart as Redis keeps it. A script's `author` had
// no bound (a megabyte was stored with every version and sent back by each `get`); it is held to
// core's MAX_NAME_LENGTH, as the script's name is. A tenant is a field of a fair queue's hashes,
// which Redis keeps as UTF-8: a lone surrogate is U+FFFD there, so 'a\uD800', 'a\uDC00' and
// 'a\uFFFD' shared one pending count and one place in the fair order; such a tenant is refused.

const fx = useQueueFixture({ name: 'text-bounds', concurrency: 1 })
const script = { language: 'lua', source: 'return 1' }
const refused = async (p: Promise<unknown>, message: RegExp) => {
  const e = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(e).toBeInstanceOf(InvalidArgumentError)
  expect((e as Error).message).toMatch(message)
}

describe('scripts.put author', () => {
  it('takes MAX_NAME_LENGTH characters and refuses one more, storing nothing', async () => {
    const id = uniqueName('author')
    const v = await fx.queue.scripts.put(id, { ...script, author: 'a'.repeat(MAX_NAME_LENGTH) })
    expect(v.author?.length).toBe(MAX_NAME_LENGTH)
    await refused(
      fx.queue.scripts.put(id, { ...script, source: 'return 2', author: 'a'.repeat(1_000_000) }),
      new RegExp(`^scripts\\.put: author: an author is at most ${MAX_NAME_LENGTH} characters`),
    )
    expect((await fx.queue.scripts.history(id)).map((h) => h.version)).toEqual([1])
  })
})

describe('a tenant with a lone surrogate', () => {
  it('is refused as request.tenant and as context.tenant, nothing enqueued', async () => {
    const before = await fx.queue.stats()
    for (const t of ['a\uD800', 'a\uDC00', '\uDBFFz']) {
      await refused(fx.queue.enqueue({ script, tenant: t }, { delay: 60_000 }), /^enqueue: tenant: cannot contain a lone surrogate/)
      await refused(
        fx.queue.enqueue({ script, context: { tenant: t } }, { delay: 60_000 }),
        /^enqueue: context\.tenant: cannot contain a lone surrogate/,
      )
    }
    const after = await fx.queue.stats()
    expect(after.delayed).toBe(before.delayed)
    expect(after.pendingByTenant).toEqual(before.pendingByTenant)
  })

  it('leaves U+FFFD and a surrogate pair as two tenants of their own', async () => {
    const base = uniqueName('t')
    const replacement = `${base}\uFFFD`
    const pair = `${base}\uD83D\uDE00`
    await fx.queue.enqueue({ script, tenant: replacement }, { delay: 60_000 })
    await fx.queue.enqueue({ script, tenant: pair }, { delay: 60_000 })
    await fx.queue.enqueue({ script, tenant: pair }, { delay: 60_000 })
    const { pendingByTenant } = await fx.queue.stats()
    expect(pendingByTenant[replacement]).toBe(1)
    expect(pendingByTenant[pair]).toBe(2)
  })
})
