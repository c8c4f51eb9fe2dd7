import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createHost } from '@polyhost/core'
import { describe, expect, it, vi } from 'vitest'
import { luaEngine } from '../src/index.js'

// math.random belongs to the execution: never the host's Math.random (whose xorshift128+
// state can be solved from a few outputs), never a state left by the previous execution.
// The child processes load the built packages (dist/): run `pnpm run build` first.

const CHILD = fileURLToPath(new URL('./child/random-values.mjs', import.meta.url))
const SEED = 1234

type Values = Record<'inline' | 'worker', number[][]>

function scriptValues(): Values {
  return JSON.parse(execFileSync(process.execPath, [`--random-seed=${SEED}`, CHILD], { encoding: 'utf8' })) as Values
}

/** Which of `values` occur in the first `n` of the host's own Math.random sequence under the same seed. */
function inHostSequence(values: number[], n: number): number[] {
  const src = `const seen = new Set(Array.from({ length: ${n} }, Math.random))
    process.stdout.write(JSON.stringify(${JSON.stringify(values)}.filter((v) => seen.has(v))))`
  return JSON.parse(execFileSync(process.execPath, [`--random-seed=${SEED}`, '-e', src], { encoding: 'utf8' })) as number[]
}

describe('math.random', () => {
  it('never draws from the host generator: under a seeded Node no script value is in its sequence', () => {
    const first = scriptValues()
    for (const mode of ['inline', 'worker'] as const) {
      const [a, b] = first[mode] as [number[], number[]]
      expect(a).toHaveLength(8)
      expect(inHostSequence(a, 100_000), `${mode}: tenant A's values in the host sequence`).toEqual([])
      expect(inHostSequence(b, 100_000), `${mode}: tenant B's values in the host sequence`).toEqual([])
      expect(new Set([...a, ...b]).size, `${mode}: A and B drew distinct values`).toBe(16)
    }
    // the seed comes from the platform CSPRNG: the same --random-seed gives other values
    const second = scriptValues()
    expect(second.inline[0]).not.toEqual(first.inline[0])
    expect(second.worker[0]).not.toEqual(first.worker[0])
  }, 60_000)

  it('does not call Math.random, and a reused state starts each execution afresh', async () => {
    const host = await createHost({ engines: [luaEngine()], pool: { min: 1, max: 1 } })
    const spy = vi.spyOn(Math, 'random')
    try {
      const src = 'local t = {} for i = 1, 4 do t[i] = math.random(1, 1000000000) end return t'
      const a = (await host.execute({ language: 'lua', source: src, tenant: 'A' })).value as number[]
      const b = (await host.execute({ language: 'lua', source: src, tenant: 'B' })).value as number[]
      expect(spy).not.toHaveBeenCalled()
      expect(a).not.toEqual(b)
      // a script's randomseed is its own: the next execution does not continue that sequence
      const seeded = 'math.randomseed(7) local t = {} for i = 1, 4 do t[i] = math.random(1, 1000000000) end return t'
      const s1 = (await host.execute({ language: 'lua', source: seeded })).value
      const after = (await host.execute({ language: 'lua', source: src })).value
      const s2 = (await host.execute({ language: 'lua', source: seeded })).value
      expect(s2).toEqual(s1)
      expect(after).not.toEqual(s1)
    } finally {
      spy.mockRestore()
      await host.close()
    }
  })
})
