import { defineBridge, PolyhostError, ScriptRuntimeError, ScriptSyntaxError } from '@polyhost/core'
import { HOST_SECRETS, hostileValues } from '@polyhost/core/testing'
import { z } from 'zod'
import { failsWith, hostPathIn, test } from '../checks.js'
import type { ConformanceArea } from '../types.js'

export const errorsArea: ConformanceArea = {
  name: 'errors',
  tests: [
    test('errors.syntax', 'a syntax error is a ScriptSyntaxError with the script name and line', async (t) => {
      const snippet = t.s.syntaxError()
      const name = t.name('broken')
      const e = await failsWith(t, t.run(await t.host(), snippet.source, { name }), ScriptSyntaxError)
      t.expect(e).toBeInstanceOf(PolyhostError)
      t.expect(e.code).toBe('E_SYNTAX')
      t.expect(e.name).toBe('ScriptSyntaxError')
      t.expect(e.scriptName).toBe(name)
      t.expect(e.line).toBe(snippet.line)
      t.expect(hostPathIn(e.message), `host path in: ${e.message}`).toBeUndefined()
    }),
    test('errors.throw', 'a thrown error is a ScriptRuntimeError with the message, script name and line', async (t) => {
      const name = t.name('thrower')
      const e = await failsWith(t, t.run(await t.host(), `\n\n${t.s.throwError('boom-42')}`, { name }), ScriptRuntimeError)
      t.expect(e.code).toBe('E_RUNTIME')
      t.expect(e.name).toBe('ScriptRuntimeError')
      t.expect(e.message).toContain('boom-42')
      t.expect(e.scriptName).toBe(name)
      t.expect(e.line).toBe(3)
      t.expect(hostPathIn(e.message), `host path in: ${e.message}`).toBeUndefined()
      t.expect(hostPathIn(e.scriptStack), `host path in: ${e.scriptStack}`).toBeUndefined()
      t.expect(hostPathIn(e.stack?.split('\n')[0]), 'the first stack line is the message').toBeUndefined()
    }),
    test('errors.runtime', 'a runtime error that is not a throw (calling nil) is a ScriptRuntimeError with its line', async (t) => {
      const name = t.name('missing')
      const e = await failsWith(t, t.run(await t.host(), `\n\n${t.s.callMissing()}`, { name }), ScriptRuntimeError)
      t.expect(e.code).toBe('E_RUNTIME')
      t.expect(e.scriptName).toBe(name)
      t.expect(e.line).toBe(3)
      t.expect(hostPathIn(e.message), `host path in: ${e.message}`).toBeUndefined()
      t.expect(hostPathIn(e.scriptStack), `host path in: ${e.scriptStack}`).toBeUndefined()
    }),
    test('errors.host-healthy', 'after script errors the host runs the next execution correctly', async (t) => {
      const host = await t.host({ pool: { max: 1 } })
      for (let i = 0; i < 3; i++) {
        await failsWith(t, t.run(host, t.s.throwError(`e${i}`)), ScriptRuntimeError)
        await failsWith(t, t.run(host, t.s.syntaxError().source), ScriptSyntaxError)
        t.expect((await t.run(host, t.s.returnLiteral(i))).value).toBe(i)
      }
      t.expect(host.stats().failures, 'runtime failures are counted').toBeGreaterThanOrEqual(3)
    }),
    test(
      'errors.host-text',
      'no host path, host source text or host stack frame reaches a script (or the host) from a bridge result host code fails to read',
      async (t) => {
        // a fuzz of throwing getters and Proxy traps, with and without a return schema
        const host = await t.host({ pool: { max: 1 } })
        let current: () => unknown = () => null
        host.bridges.register(
          defineBridge({
            name: 'users',
            methods: {
              bad: { args: [], handler: () => current() },
              checked: { args: [], returns: z.unknown(), handler: () => current() },
              shaped: { args: [], returns: z.object({ x: z.string() }), handler: () => current() },
            },
          }),
        )
        const source = (path: string) => t.s.catchBridgeText?.(path) ?? t.s.catchBridge(path, [], false)
        for (const c of hostileValues(t.isolation === 'inline' ? 7 : 11, 24)) {
          current = c.value
          for (const method of ['bad', 'checked', 'shaped']) {
            const seen = await t.run(host, source(`users.${method}`)).then(
              (r) => String(r.value),
              (e: Error) => `host: ${e.message}`,
            )
            for (const secret of HOST_SECRETS) t.expect(seen, `${c.label}, users.${method}`).not.toContain(secret)
          }
        }
      },
    ),
    test('errors.unicode-message', 'error messages keep the script’s text exactly', async (t) => {
      const e = await failsWith(t, t.run(await t.host(), t.s.throwError('fehlgeschlagen: größe ✓')), ScriptRuntimeError)
      t.expect(e.message).toContain('fehlgeschlagen: größe ✓')
    }),
  ],
}
