import { execFileSync } from 'node:child_process'
import { createHost } from '@polyhost/core'
import { describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'
import { runInChild } from './child.js'
import { tripsAtInstructionLimit } from './instruction-trips.js'

// Builtins whose work grows with their input count a step per buffer addition, utf8
// character or pack option (instructions; the deadline is checked every 1024 steps), and
// check the memory budget before they allocate; string.rep and numerals run at memory
// speed. The deadline and memory cases run in a child with a capped heap (built packages:
// `pnpm run build` first) and must stop within the limit + 20 %, plus ALLOWANCE for a
// loaded machine, with the right LimitExceededError.

const MiB = 1024 * 1024
const TIMEOUT = 1000
const ALLOWANCE = 300
const ROOMY = { timeoutMs: TIMEOUT, instructions: false as const, memoryBytes: 256 * MiB }
const TIGHT = { timeoutMs: 5 * TIMEOUT, instructions: false as const, memoryBytes: 16 * MiB }

describe('builtins stop at the deadline (single calls that ran 3-14 s)', () => {
  const cases: [string, string][] = [
    ['os.date with a huge format', "return #os.date(string.rep('%c', 3000000))"],
    // sized to run ~4 s whole on this machine (a buffer addition copies in place since
    // fengari-speed-patches: 10 MB of %q and a 25 MB replacement now finish in under 1 s)
    ["string.format('%q') of 30 MB", "return #string.format('%q', string.rep('\\0', 3e7))"],
    ['gsub with an 80 MB replacement', "return #string.gsub('x', 'x', string.rep('%0', 40000000))"],
  ]
  for (const [name, source] of cases) {
    it(name, async () => {
      const r = await runInChild(source, { limits: ROOMY, heapMB: 512 })
      expect(r.error, JSON.stringify(r)).toMatchObject({ name: 'LimitExceededError', limit: 'timeout' })
      expect(r.ms).toBeLessThan(TIMEOUT * 1.2 + ALLOWANCE)
      expect(r.after).toBe(42)
    }, 60_000)
  }
})

describe('builtin work counts as instructions', () => {
  const MAX = 200_000
  const cases: [string, string][] = [
    ['os.date', "os.date(string.rep('%c', 60000))"],
    ["string.format('%q')", "string.format('%q', string.rep('\\0', 1e6))"],
    ['string.format literal text', "string.format(string.rep('a', 1e6))"],
    ['gsub replacement', "string.gsub('x', 'x', string.rep('%0', 1e6))"],
    ['table.concat', "table.concat({ string.byte(string.rep('x', 3e5), 1, -1) })"],
    ['utf8.len', "utf8.len(string.rep('\\u{e9}', 1e6))"],
    ['utf8.offset backwards', "local s = string.rep('\\u{e9}', 1e6) utf8.offset(s, -999999)"],
    ['utf8.offset forwards', "local s = string.rep('\\u{e9}', 1e6) utf8.offset(s, 999999)"],
    ['utf8.codepoint', "utf8.codepoint(string.rep('a', 5e5), 1, -1)"],
    ['utf8.char', "utf8.char(table.unpack({ string.byte(string.rep('a', 3e5), 1, -1) }))"],
    ['string.pack', "string.pack(string.rep('x', 1e6))"],
    ['string.unpack', "string.unpack(string.rep('x', 1e6), string.rep('\\0', 1e6))"],
    ['string.packsize', "string.packsize(string.rep('x', 1e6))"],
    ['string.upper', "local s = string.rep('a', 1e6) for i = 1, 300 do string.upper(s) end"],
    ['string.lower', "local s = string.rep('A', 1e6) for i = 1, 300 do string.lower(s) end"],
  ]
  tripsAtInstructionLimit(cases, MAX)
})

describe('builtins check the memory budget before producing large output', () => {
  const cases: [string, string][] = [
    ['string.rep', "return #string.rep('x', 6e7)"],
    ['string.reverse', "local s = string.rep('x', 1e7) return #s:reverse()"],
    ['string.upper', "local s = string.rep('x', 1e7) return #s:upper()"],
    ['gsub', "local big = string.rep('y', 1e5) return #string.gsub(string.rep('x', 1000), 'x', function() return big end)"],
    ['table.concat', "local t, big = {}, string.rep('y', 1e5) for i = 1, 1000 do t[i] = big end return #table.concat(t)"],
    [
      'string.format',
      "local big, t = string.rep('y', 1e6), {} for i = 1, 100 do t[i] = big end return #string.format(string.rep('%s', 100), table.unpack(t))",
    ],
  ]
  for (const [name, source] of cases) {
    it(name, async () => {
      const r = await runInChild(source, { limits: TIGHT })
      expect(r.error, JSON.stringify(r)).toMatchObject({ name: 'LimitExceededError', limit: 'memory' })
      expect(r.ms).toBeLessThan(TIMEOUT)
      expect(r.rssGrowthMB).toBeLessThan(100)
    }, 60_000)
  }
})

// Not interruptible, but linear at memory speed: a generous deadline (page faults on a
// loaded machine cost up to ~30 ns a byte here); before, the numeral case ran 40 s.
describe('work at memory speed', () => {
  const SLOW = { ...ROOMY, timeoutMs: 5 * TIMEOUT }

  it('string.reverse, upper and lower of 10 MB are correct and quick', async () => {
    const src = "local s = string.rep('aB1', 3e6) return s:reverse():sub(1, 6), s:upper():sub(-3), s:lower():sub(1, 3), #s:reverse()"
    const r = await runInChild(src, { limits: SLOW, heapMB: 512 })
    expect(r.values, JSON.stringify(r)).toEqual(['1Ba1Ba', 'AB1', 'ab1', 9e6])
  }, 60_000)

  it('string.rep of 30 MB with a separator', async () => {
    const r = await runInChild("return #string.rep('ab', 1e7, ',')", { limits: SLOW, heapMB: 512 })
    expect(r.values, JSON.stringify(r)).toEqual([3e7 - 1])
  }, 60_000)

  it('a 14M-digit numeral converts (s + 0, tonumber)', async () => {
    const src = "local s = string.rep('1', 14e6) return s + 0 == math.huge, tonumber(s) == math.huge, tonumber(s .. 'x')"
    const r = await runInChild(src, { limits: SLOW, heapMB: 512 })
    expect(r.values, JSON.stringify(r)).toEqual([true, true, null])
    expect(r.rssGrowthMB).toBeLessThan(150)
  }, 60_000)
})

describe('long numerals convert as in Lua 5.3', () => {
  const z = (n: number) => '0'.repeat(n)
  const numerals = [
    '1'.repeat(1000),
    `${z(500)}1`,
    `0.${z(400)}123`,
    `1${z(400)}e-400`,
    `  ${'9'.repeat(300)}.5  `,
    `-${z(300)}.000e5`,
    `${'1'.repeat(300)}e`,
    `.${z(300)}`,
    `${' '.repeat(300)}.`,
    `2.${'4'.repeat(400)}5`,
    `9007199254740993.${z(300)}`,
    `9007199254740993.${z(1000)}1`,
    `1e${'9'.repeat(300)}`,
    `1e-${'9'.repeat(300)}`,
    `${'1'.repeat(300)}x`,
    ` \t\n${'1'.repeat(300)} \r\n`,
    `+${'7'.repeat(310)}.${'3'.repeat(700)}E-9`,
    `${z(290)}.${z(290)}`,
    `-.${z(700)}${'5'.repeat(900)}e+700`,
  ]
  // each result as %.17g (exact for doubles), inf/-inf, or nil
  const lua = `local out = {}
    for i, s in ipairs(NUMERALS) do
      local v = tonumber(s)
      local w = pcall(function() return s + 0 end) and (s + 0) or nil
      local function show(x)
        if x == nil then return 'nil' elseif x == math.huge then return 'inf' elseif x == -math.huge then return '-inf' end
        return string.format('%.17g', x)
      end
      out[i] = show(v) .. ' ' .. show(w)
    end
    return out`

  it('tonumber and arithmetic coercion agree with native lua5.3', async () => {
    const table = `NUMERALS = {${numerals.map((s) => JSON.stringify(s)).join(',')}}\n`
    const native = execFileSync('lua5.3', ['-'], {
      input: `${table}${lua.replace('return out', 'print(table.concat(out, "\\n"))')}`,
      encoding: 'utf8',
    })
    const host = await createHost({ engines: [luaEngine()] })
    const r = await host.execute({ language: 'lua', source: lua, globals: { NUMERALS: numerals } })
    await host.close()
    const ours = (r.value as string[]).map((line) => line.split(' ').map(normalise).join(' '))
    const want = native
      .trim()
      .split('\n')
      .map((line) => line.split(' ').map(normalise).join(' '))
    expect(ours).toEqual(want)
    console.log(`long numerals: ${ours.filter((l, i) => l === want[i]).length}/${want.length} identical to lua5.3`)
  })
})

/** %.17g text as the double it denotes (the two printf implementations differ in spelling only). */
function normalise(x: string): string {
  if (x === 'nil' || x === 'inf' || x === '-inf') return x
  return String(Number(x))
}
