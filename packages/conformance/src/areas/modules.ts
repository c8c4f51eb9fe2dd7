import { InvalidArgumentError, PolyhostError } from '@polyhost/core'
import { failsWith, rejection, test } from '../checks.js'
import type { TestKit } from '../kit.js'
import type { ScriptLiteral } from '../snippets.js'
import type { ConformanceArea } from '../types.js'

const EXPORT = { answer: 42, list: [1, 2], name: 'util' }

function source(t: TestKit, value: ScriptLiteral): string {
  return (t.s.moduleExporting as (v: ScriptLiteral) => string)(value)
}

function load(t: TestKit, name: string): string {
  return (t.s.requireModule as (n: string) => string)(name)
}

/** Loading `name` must fail with a script-level error (runtime, syntax at link time, or security). */
async function refused(t: TestKit, p: Promise<unknown>, name: string): Promise<void> {
  const e = await rejection(p)
  t.expect(e, `${e.name}: ${e.message}`).toBeInstanceOf(PolyhostError)
  t.expect(['E_RUNTIME', 'E_SYNTAX', 'E_SECURITY']).toContain(e.code)
  t.expect(e.message).toContain(name)
}

export const modulesArea: ConformanceArea = {
  name: 'modules',
  tests: [
    test(
      'modules.registered',
      'a registered module loads and its export reaches the script',
      async (t) => {
        const host = await t.host()
        host.modules.register({ name: 'util', language: t.language, source: source(t, EXPORT) })
        t.expect((await t.run(host, load(t, 'util'))).value).toEqual(EXPORT)
        t.expect((await t.run(host, load(t, 'util'))).value, 'and again on a reused state').toEqual(EXPORT)
      },
      ['modules'],
    ),
    test(
      'modules.unregistered',
      'anything not registered is refused, host modules included',
      async (t) => {
        const host = await t.host()
        for (const name of ['missing', 'fs', 'node:fs', 'child_process', 'node:os']) await refused(t, t.run(host, load(t, name)), name)
      },
      ['modules'],
    ),
    test(
      'modules.other-language',
      'a module for another language is refused (at register when the host runs no such language)',
      async (t) => {
        const host = await t.host()
        const register = async () => host.modules.register({ name: 'foreign', language: `${t.language}-other`, source: 'nothing' })
        await failsWith(t, register(), InvalidArgumentError)
        await refused(t, t.run(host, load(t, 'foreign')), 'foreign')
      },
      ['modules'],
    ),
    test(
      'modules.allowlist',
      'the policy’s module allowlist refuses registered modules it does not list',
      async (t) => {
        const host = await t.host({ policy: { preset: 'standard', modules: { allow: ['util'] } } })
        host.modules.register({ name: 'util', language: t.language, source: source(t, 1) })
        host.modules.register({ name: 'hidden', language: t.language, source: source(t, 2) })
        t.expect((await t.run(host, load(t, 'util'))).value).toBe(1)
        await refused(t, t.run(host, load(t, 'hidden')), 'hidden')
      },
      ['modules'],
    ),
    test(
      'modules.registered-later',
      'a module registered after an execution is available to the next one',
      async (t) => {
        const host = await t.host({ pool: { max: 1 } })
        await refused(t, t.run(host, load(t, 'late')), 'late')
        host.modules.register({ name: 'late', language: t.language, source: source(t, 'here') })
        t.expect((await t.run(host, load(t, 'late'))).value).toBe('here')
      },
      ['modules'],
    ),
  ],
}
