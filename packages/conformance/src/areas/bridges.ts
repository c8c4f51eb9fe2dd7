import { BridgeError, CancelledError, defineBridge, ScriptRuntimeError } from '@polyhost/core'
import { failsWith, hostPathIn, test } from '../checks.js'
import { BridgeProbe } from '../fixtures.js'
import type { TestKit } from '../kit.js'
import type { HostSetup } from '../kit.js'
import type { ConformanceArea } from '../types.js'

async function withBridge(t: TestKit, setup: HostSetup = {}) {
  const host = await t.host(setup)
  return { host, probe: new BridgeProbe().on(host) }
}

function noHostLeak(t: TestKit, message: string): void {
  t.expect(hostPathIn(message), `host path in: ${message}`).toBeUndefined()
  t.expect(message, 'no host stack frames').not.toMatch(/\n\s+at /)
}

export const bridgesArea: ConformanceArea = {
  name: 'bridges',
  tests: [
    test('bridges.sync', 'a sync bridge returns its value to the script; arguments and results are converted', async (t) => {
      const { host, probe } = await withBridge(t)
      t.expect((await t.run(host, t.s.callBridge('kv.add', [2, 3]))).value).toBe(5)
      t.expect((await t.run(host, t.s.callBridge('kv.upper', ['abc']))).value).toBe('ABC')
      const r = await t.run(host, t.s.callBridge('kv.echo', [[1, { a: 'b', n: [true, 2.5] }]]))
      t.expect(probe.last).toEqual([1, { a: 'b', n: [true, 2.5] }])
      t.expect(r.value).toEqual([1, { a: 'b', n: [true, 2.5] }])
      t.expect(r.stats.bridgeCalls).toBe(1)
    }),
    test(
      'bridges.async',
      'an async bridge’s result reaches the script (JS await, Lua looks synchronous)',
      async (t) => {
        const { host } = await withBridge(t)
        t.expect((await t.run(host, t.s.awaitBridge('kv.later', ['x']))).value).toBe('x!')
      },
      ['asyncBridges'],
    ),
    test('bridges.validation', 'invalid arguments reach the script as a catchable error naming method, argument and types', async (t) => {
      const { host } = await withBridge(t)
      const wrongType = (await t.run(host, t.s.catchBridge('kv.upper', [42], false))).value as string
      t.expect(wrongType).toContain('kv.upper: argument 1: expected string, received number')
      const tooMany = (await t.run(host, t.s.catchBridge('kv.add', [1, 2, 3], false))).value as string
      t.expect(tooMany).toContain('kv.add: expected at most 2 argument(s), received 3')
    }),
    test('bridges.handler-error', 'a throwing handler reaches the script as a catchable error with its message only', async (t) => {
      const { host } = await withBridge(t)
      const message = (await t.run(host, t.s.catchBridge('kv.fail', ['nope-7'], false))).value as string
      t.expect(typeof message).toBe('string')
      t.expect(message).toContain('nope-7')
      noHostLeak(t, message)
    }),
    test(
      'bridges.async-handler-error',
      'a rejecting async handler reaches the script as a catchable error',
      async (t) => {
        const { host } = await withBridge(t)
        const message = (await t.run(host, t.s.catchBridge('kv.failLater', ['late-8'], true))).value as string
        t.expect(message).toContain('late-8')
        noHostLeak(t, message)
      },
      ['asyncBridges'],
    ),
    test(
      'bridges.uncaught',
      'an uncaught bridge error ends the execution with a BridgeError carrying the message and the method',
      async (t) => {
        const { host } = await withBridge(t)
        const e = await failsWith(t, t.run(host, t.s.callBridge('kv.fail', ['nope-9'])), BridgeError)
        t.expect(e.message).toContain('nope-9')
        t.expect(e.path).toBe('kv.fail')
        noHostLeak(t, e.message)
        t.expect((await t.run(host, t.s.callBridge('kv.add', [1, 1]))).value, 'host healthy').toBe(2)
      },
    ),
    test('bridges.allowlist', 'methods outside the policy’s bridge allowlist are absent, not merely failing', async (t) => {
      const { host } = await withBridge(t, { policy: { preset: 'standard', bridges: { allow: ['kv.add', 'kv.upper'] } } })
      host.bridges.register(defineBridge({ name: 'other', methods: { ping: { args: [], handler: () => 'pong' } } }))
      t.expect((await t.run(host, t.s.hasPath(['kv', 'add']))).value).toBe(true)
      t.expect((await t.run(host, t.s.callBridge('kv.add', [1, 2]))).value).toBe(3)
      for (const path of [
        ['kv', 'fail'],
        ['kv', 'echo'],
        ['other', 'ping'],
      ]) {
        t.expect((await t.run(host, t.s.hasPath(path))).value, `${path.join('.')} is absent`).toBe(false)
      }
      await failsWith(t, t.run(host, t.s.callBridge('kv.echo', [1])), ScriptRuntimeError)
    }),
    test('bridges.register-unregister', 'registering and unregistering take effect on the next execution', async (t) => {
      const host = await t.host({ pool: { max: 1 } })
      const late = defineBridge({ name: 'late', methods: { ping: { args: [], handler: () => 'pong' } } })
      t.expect((await t.run(host, t.s.hasPath(['late', 'ping']))).value).toBe(false)
      host.bridges.register(late)
      t.expect((await t.run(host, t.s.hasPath(['late', 'ping']))).value).toBe(true)
      t.expect((await t.run(host, t.s.callBridge('late.ping', []))).value).toBe('pong')
      host.bridges.unregister('late')
      t.expect((await t.run(host, t.s.hasPath(['late', 'ping']))).value).toBe(false)
    }),
    test('bridges.context', 'handlers receive tenant, context, language and script name', async (t) => {
      const { host } = await withBridge(t)
      const name = t.name('ctx')
      const r = await t.run(host, t.s.callBridge('kv.ctx', []), { name, context: { tenant: 't1', user: 'u7' } })
      t.expect(r.value).toEqual({ tenant: 't1', language: t.language, scriptName: name, user: 'u7' })
      const explicit = await t.run(host, t.s.callBridge('kv.ctx', []), { tenant: 't9', context: { tenant: 't1' } })
      t.expect((explicit.value as { tenant: string }).tenant, 'request.tenant wins over context.tenant').toBe('t9')
    }),
    test('bridges.proto-args', 'script arguments with __proto__ keys reach handlers as own keys, polluting nothing', async (t) => {
      const { host, probe } = await withBridge(t)
      await t.run(host, t.s.callBridge('kv.echo', [JSON.parse('{"__proto__":{"polluted":"yes"},"constructor":1}')]))
      const got = probe.last as Record<string, unknown>
      t.expect(Object.getOwnPropertyDescriptor(got, '__proto__')?.value).toEqual({ polluted: 'yes' })
      t.expect([Object.prototype, null]).toContain(Object.getPrototypeOf(got))
      t.expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    }),
    test(
      'bridges.cancellation',
      'cancelling an execution aborts the in-flight handler’s signal and rejects with CancelledError',
      async (t) => {
        const { host, probe } = await withBridge(t)
        const controller = new AbortController()
        const before = await t.discarded(host)
        const running = t.run(host, t.s.awaitBridge('kv.hold', ['x']), { signal: controller.signal })
        await probe.started.promise
        controller.abort()
        await failsWith(t, running, CancelledError)
        t.expect(probe.signals[0]?.aborted, 'the handler’s signal is aborted').toBe(true)
        t.expect(probe.signals[0]?.reason).toBeInstanceOf(CancelledError)
        t.expect(await t.discarded(host), 'a cancelled state is discarded').toBeGreaterThan(before)
        t.expect((await t.run(host, t.s.callBridge('kv.add', [2, 2]))).value).toBe(4)
      },
      ['asyncBridges'],
    ),
  ],
}
