// Hosts on both number models for the fengari-numbers tests, checked against native Lua.
import { createHost, type Host } from '@polyhost/core'
import { afterAll, beforeAll, expect } from 'vitest'
import { runEngine, runNative } from './native-lua.js'
import { luaEngine } from '../src/index.js'

type Mode = 'lua53' | 'lua51'

/**
 * One host per number model for the tests of a file (made before them, closed after), and the
 * differential check against native Lua in the same run.
 */
export function numberHosts() {
  const hosts: Partial<Record<Mode, Host>> = {}
  beforeAll(async () => {
    for (const numbers of ['lua53', 'lua51'] as const) {
      hosts[numbers] = await createHost({ engines: [luaEngine({ numbers })], policy: 'minimal', pool: { min: 1, max: 1 } })
    }
  })
  afterAll(async () => {
    for (const h of Object.values(hosts)) await h?.close()
  })
  /** The host of a number model (made before the tests). */
  const host = (mode: Mode): Host => hosts[mode] as Host

  /** Every expression gives native's tostring, or `integer overflow` where native's integer is beyond ±(2^53 − 1). */
  async function agrees(exprs: string[], mode: Mode = 'lua53'): Promise<number> {
    const binary = mode === 'lua53' ? 'lua5.3' : 'lua5.1'
    const want = runNative(binary, exprs)
    let overflows = 0
    for (const [i, expr] of exprs.entries()) {
      const got = await runEngine(host(mode), expr)
      const w = want[i]
      if (w?.big && !got.ok && got.text.startsWith('integer overflow')) overflows++
      else expect({ expr, ...got }).toEqual({ expr, ok: w?.ok, text: w?.text })
    }
    return overflows
  }

  const lua = (source: string, mode: Mode = 'lua53') => host(mode).execute({ language: 'lua', source, name: 't.lua' })
  return { agrees, lua, host }
}
