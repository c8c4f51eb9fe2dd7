import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { createHost, type Host } from '@polyhost/core'
import { afterAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'
import { hasNative, type Outcome, runEngine, runNative } from './native-lua.js'
import { isLua51, numberCorpus } from './number-corpus.js'

const CORPUS = fileURLToPath(new URL('./fixtures/number-corpus.txt', import.meta.url))

const hosts: Host[] = []
afterAll(async () => {
  for (const h of hosts) await h.close()
})

describe('number corpus data', () => {
  it('is what the generator produces (regenerate with UPDATE_NUMBER_CORPUS=1)', () => {
    const generated = `${numberCorpus().join('\n')}\n`
    if (process.env.UPDATE_NUMBER_CORPUS) writeFileSync(CORPUS, generated)
    expect(readFileSync(CORPUS, 'utf8')).toBe(generated)
    expect(numberCorpus().length).toBeGreaterThanOrEqual(1000)
  })
})

for (const [mode, binary] of [
  ['lua53', 'lua5.3'],
  ['lua51', 'lua5.1'],
] as const) {
  const available = hasNative(binary)
  if (!available) console.warn(`numbers-differential: ${binary} is not installed; the ${mode} comparison is skipped`)

  describe.skipIf(!available)(`numbers: '${mode}' against native ${binary}`, () => {
    it('gives every tostring result identically, or an explicit overflow error where native gives an integer beyond ±(2^53 − 1)', async () => {
      const all = readFileSync(CORPUS, 'utf8').trimEnd().split('\n')
      const exprs = mode === 'lua51' ? all.filter(isLua51) : all
      const expected = runNative(binary, exprs)
      expect(expected).toHaveLength(exprs.length)

      const host = await createHost({ engines: [luaEngine({ numbers: mode })], policy: 'minimal', pool: { min: 1, max: 1 } })
      hosts.push(host)
      let identical = 0
      let overflow = 0
      const silent: string[] = []
      const wording: string[] = []
      for (const [i, expr] of exprs.entries()) {
        const want = expected[i] as Outcome
        const got = await runEngine(host, expr)
        if (got.ok === want.ok && got.text === want.text) identical++
        else if (!got.ok && got.text.startsWith('integer overflow') && want.ok && want.big) overflow++
        else if (!got.ok && !want.ok) wording.push(`${expr}\n    native: ${want.text}\n    engine: ${got.text}`)
        else silent.push(`${expr}\n    native: ${want.ok ? 'OK' : 'ERR'} ${want.text}\n    engine: ${got.ok ? 'OK' : 'ERR'} ${got.text}`)
      }
      console.log(
        `numbers ${mode}: ${identical + overflow}/${exprs.length} identical (${overflow} explicit overflow errors); ` +
          `${wording.length} errors worded differently; ${silent.length} silent differences`,
      )
      if (wording.length) console.log(`errors worded differently:\n  ${wording.join('\n  ')}`)
      expect(silent, silent.join('\n')).toEqual([])
    }, 120_000)
  })
}
