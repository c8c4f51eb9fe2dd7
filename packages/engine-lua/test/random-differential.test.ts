import { createHost, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'
import { AREAS, fuzz } from './fuzz-run.js'
import { hasNative } from './native-lua.js'

// Seeded random programs (test/fuzz-*.ts) run here and in native lua5.3 / lua5.1 in the same
// run: numbers, coercions and for loops; string.format / rep / sub / byte / char / pack;
// patterns; the table library; utf8 and os dates. Every snippet's printed line must be
// native's, or a deviation the README documents: an explicit `integer overflow` (5.1: `time
// result beyond ±2^53 seconds`) where integers pass ±(2^53 − 1), the last bit of V8's libm,
// `#` after nil was stored into an absent key. LUA_FUZZ_PROGRAMS=<n> LUA_FUZZ_SEED=<s> run a
// larger sweep by hand (16,000 snippets per area and mode took ~2 minutes on a loaded machine).
const PROGRAMS = Number(process.env.LUA_FUZZ_PROGRAMS ?? 2)
const SEED = Number(process.env.LUA_FUZZ_SEED ?? 20261207)
const SIZE = 300

for (const mode of ['lua53', 'lua51'] as const) {
  const binary = mode === 'lua53' ? 'lua5.3' : 'lua5.1'
  describe.skipIf(!hasNative(binary))(`random programs against native ${binary}`, () => {
    let host: Host
    beforeAll(async () => {
      host = await createHost({ engines: [luaEngine({ numbers: mode })], policy: 'minimal', pool: { min: 1, max: 1 } })
    })
    afterAll(() => host.close())

    it(`${Object.keys(AREAS).length} areas × ${SIZE} snippets × ${PROGRAMS} program(s) print what ${binary} prints`, async () => {
      const tally = await fuzz(host, mode, SEED, PROGRAMS, SIZE)
      const counts = Object.entries(tally.counts).map(
        ([area, c]) =>
          `${area} ${c.same}/${c.same + c.overflow + c.libm + c.nan + c.border + c.different} same (${tally.errors[area] ?? 0} errors), ${c.overflow} overflow, ${c.libm} libm, ${c.nan} nan sign, ${c.border} border`,
      )
      console.log(`${mode}: ${counts.join('; ')}; ${tally.differences.length} different`)
      expect(tally.differences).toEqual([])
    }, 300_000)
  })
}
