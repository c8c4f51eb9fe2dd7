import { BridgeError, defineBridge, InvalidArgumentError } from '@polyhost/core'
import { beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { JobFailedError } from '../src/index.js'
import { useQueueFixture } from './support.js'

// A bridge handler's error that escapes the script is a BridgeError whose `cause` is that
// error. Through the queue the cause is rebuilt as inline execution leaves it: its class (a
// standard one or a Polyhost one), `code` and message; JobFailedError is only for a job that
// failed without a Polyhost error, never a stand-in for a cause.

const fx = useQueueFixture({ name: 'causes', concurrency: 2 })

class QuotaError extends Error {
  override readonly name = 'QuotaError'
}

const thrown: Record<string, () => Error> = {
  type: () => Object.assign(new TypeError('bad input'), { code: 'X' }),
  range: () => new RangeError('out of range'),
  polyhost: () => new InvalidArgumentError('kv.put: key too long'),
  custom: () => Object.assign(new QuotaError('quota spent'), { code: 'E_QUOTA' }),
}

beforeAll(() => {
  fx.host.bridges.register(
    defineBridge({
      name: 'fails',
      methods: {
        with: {
          args: [z.string()],
          handler: (_ctx, kind) => {
            throw (thrown[kind] as () => Error)()
          },
        },
      },
    }),
  )
})

/** The error's class, message and code, and its cause's. */
const describeError = (e: unknown) => {
  const cause = (e as Error).cause as (Error & { code?: string }) | undefined
  return {
    class: (e as Error).constructor.name,
    message: (e as Error).message,
    cause: cause && { class: cause.constructor.name, name: cause.name, message: cause.message, code: cause.code },
  }
}

describe("a bridge handler's error behind a BridgeError", () => {
  for (const [kind, expected] of [
    ['type', 'TypeError'],
    ['range', 'RangeError'],
    ['polyhost', 'InvalidArgumentError'],
  ] as const) {
    it(`${kind}: the cause is rebuilt as ${expected}, with its code and message, as inline`, async () => {
      const request = { language: 'lua', source: `fails.with("${kind}")` }
      const inline = describeError(await fx.host.execute(request).catch((e: unknown) => e))
      const job = await fx.queue.enqueue({ script: request }, { attempts: 1 })
      const queued = await job.result({ timeoutMs: 20_000 }).catch((e: unknown) => e)
      expect(queued).toBeInstanceOf(BridgeError)
      expect(inline.cause?.class).toBe(expected)
      expect(describeError(queued)).toEqual(inline)
      expect((queued as Error).cause).not.toBeInstanceOf(JobFailedError)
    })
  }

  it("a class of the application's own: an Error of its name, with its code and message", async () => {
    const request = { language: 'js', source: 'fails.with("custom")' }
    const inline = describeError(await fx.host.execute(request).catch((e: unknown) => e))
    const job = await fx.queue.enqueue({ script: request }, { attempts: 1 })
    const queued = describeError(await job.result({ timeoutMs: 20_000 }).catch((e: unknown) => e))
    expect(inline.cause).toMatchObject({ class: 'QuotaError', code: 'E_QUOTA' })
    expect(queued).toEqual({ ...inline, cause: { ...inline.cause, class: 'Error' } })
  })
})
