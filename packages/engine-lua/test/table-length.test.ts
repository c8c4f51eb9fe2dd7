import { createHost, type Host, LimitExceededError } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'
import { hasNative, iife, prng, runEngine, runNative } from './native-lua.js'

// `#t` of a table with holes is whichever border C Lua's array part makes it: `#{nil, nil, 3}`
// is 3, `#{1, nil, nil, 4}` 4, and table.unpack / table.concat / table.insert follow. fengari
// searched from its entry count (0 and 1 there). Generated table histories (constructors with
// holes, varargs with nils, table.pack, assignments that grow the table, string keys beside
// integer ones) are compared with native Lua, `#` after every step; and histories with nil
// assignments of integer, float and boolean keys.

const FIXED = [
  'return #{nil, nil, 3}, #{1, nil, nil, 4}, #{nil, 2, nil}, #{n = 1, nil, 2}, #{1, 2, nil}, #{nil}',
  "return select('#', UNPACK({nil, nil, 3})), P(pcall(table.concat, {1, nil, nil, 4}, ','))",
  'local function f(...) return #{...} end return f(nil, nil, 3), f(1, nil), f(nil, 2, nil, 4, nil)',
  'local t = {} t[1] = 1 t[3] = 3 local a = #t t[2] = 2 t[4] = 4 t[6] = 6 return a, #t',
  'local t = {nil, nil, 3} t[4] = 4 local a = #t t[8] = 8 return a, #t',
  'local t = {} for i = 1, 20 do t[i] = i end t[5] = nil t[20] = nil return #t',
  'local t = {} for i = 1, 100 do t[i * 2] = i end return #t',
  'local t = {1, 2, 3, x = 1, y = 2} t[5] = 5 t.z = 3 t[4] = 4 t[7] = 7 return #t',
  'local t = {1} t[6] = 6 t[3] = 3 t[4] = 4 t[6] = nil t[3] = nil t[9] = nil return #t',
]

/** A random history of one table: each step a statement, then `#t` recorded. */
function history(next: () => number): string {
  const item = () => (next() < 0.3 ? 'nil' : String(Math.floor(next() * 9) + 1))
  const n = Math.floor(next() * 12)
  const starts = [
    `{${Array.from({ length: n }, item).join(', ')}}`,
    `pack(${Array.from({ length: n }, item).join(', ')})`,
    `{${Array.from({ length: n }, item).join(', ')}, k = 1}`,
    '{}',
  ]
  const steps: string[] = []
  for (let s = Math.floor(next() * 14); s > 0; s--) {
    const k = Math.floor(next() * 24) + 1
    const r = next()
    // no t[k] = nil: a key set to nil keeps a node holding nil, which a later key takes over when
    // that node is the new key's main position (a hash position, see fengari-table-length.ts)
    if (r < 0.65) steps.push(`t[${k}] = ${k}`)
    else if (r < 0.75) steps.push(`t['s${k}'] = ${k}`)
    else if (r < 0.85) steps.push(`t[#t + 1] = ${k}`)
    else steps.push(`for i = 1, ${k} do t[i] = i end`)
  }
  const body = steps.map((s) => `${s} out[#out + 1] = #t`).join(' ')
  return `local function pack(...) return {...} end local out = {} local t = ${starts[Math.floor(next() * starts.length)]} out[#out + 1] = #t ${body} return table.concat(out, ' ')`
}

/**
 * A random history with nil assignments: a key set to nil keeps its node, which a later key
 * whose main position it is takes over. Integer, float and boolean keys, where native Lua's
 * node positions are fixed (string keys: see fengari-table-length.ts).
 */
function nilHistory(next: () => number): string {
  const item = () => (next() < 0.3 ? 'nil' : String(Math.floor(next() * 9) + 1))
  const n = Math.floor(next() * 10)
  const starts = [`{${Array.from({ length: n }, item).join(', ')}}`, `pack(${Array.from({ length: n }, item).join(', ')})`, '{}']
  const key = (): string => {
    const k = Math.floor(next() * 24) + 1
    const r = next()
    if (r < 0.6) return String(k)
    if (r < 0.7) return String(k - 20)
    if (r < 0.8) return `${k}.5`
    if (r < 0.85) return next() < 0.5 ? 'true' : 'false'
    if (r < 0.9) return String(k * 64)
    return `${k / 8}`
  }
  const steps: string[] = []
  for (let s = Math.floor(next() * 24); s > 0; s--) {
    const r = next()
    if (r < 0.45) steps.push(`t[${key()}] = 1`)
    else if (r < 0.85) steps.push(`t[${key()}] = nil`)
    else if (r < 0.95) steps.push('t[#t + 1] = 1')
    else steps.push(`for i = 1, ${Math.floor(next() * 12) + 1} do t[i] = i end`)
  }
  const body = steps.map((s) => `${s} out[#out + 1] = #t`).join(' ')
  return `local function pack(...) return {...} end local out = {} local t = ${starts[Math.floor(next() * starts.length)]} out[#out + 1] = #t ${body} return table.concat(out, ' ')`
}

/** Larger tables: runs of integer and float keys set or set to nil, appends, special keys. */
function bigHistory(next: () => number): string {
  const r = (n: number) => Math.floor(next() * n)
  const parts: string[] = []
  for (let s = r(8) + 1; s > 0; s--) {
    const v = next() < 0.5 ? 'nil' : '1'
    parts.push(`for i = 1, ${r(200) + 1} do t[i * ${r(7) + 1} + ${r(40) - 20}${next() < 0.3 ? '.25' : ''}] = ${v} end`)
    if (next() < 0.3) parts.push(`for i = 1, ${r(100)} do t[#t + 1] = i end`)
    if (next() < 0.2) parts.push(`t[true] = ${v} t[false] = 1 t[2^40] = ${v} t[-0.0] = 1 t[1/0] = ${v} t[-1/0] = 1 t[1e-310] = 1`)
  }
  const body = parts.map((s) => `${s} out[#out + 1] = #t`).join(' ')
  return `local out = {} local t = {} ${body} return table.concat(out, ' ')`
}

const hosts: Record<string, Host> = {}
beforeAll(async () => {
  hosts.lua53 = await createHost({ engines: [luaEngine()], policy: 'minimal', pool: { max: 1 } })
  hosts.lua51 = await createHost({ engines: [luaEngine({ numbers: 'lua51' })], policy: 'minimal', pool: { max: 1 } })
})
afterAll(async () => {
  for (const h of Object.values(hosts)) await h.close()
})

describe.each([
  ['lua53', 'lua5.3', 'table.unpack'],
  ['lua51', 'lua5.1', 'unpack'],
] as const)('the length of tables with holes (%s)', (mode, binary, unpack) => {
  it.skipIf(!hasNative(binary))(
    `matches native ${binary} for fixed cases, 400 generated histories, 1,000 with nil assignments`,
    async () => {
      const next = prng(20261206)
      const bodies = [
        ...FIXED,
        ...Array.from({ length: 400 }, () => history(next)),
        ...Array.from({ length: 400 }, () => nilHistory(next)),
        ...Array.from({ length: 600 }, () => bigHistory(next)),
      ].map((b) => b.replaceAll('UNPACK', unpack))
      const exprs = bodies.map(iife)
      const want = runNative(binary, exprs)
      for (const [i, expr] of exprs.entries()) {
        const got = await runEngine(hosts[mode] as Host, expr)
        expect({ body: bodies[i], ...got }).toEqual({ body: bodies[i], ok: want[i]?.ok, text: want[i]?.text })
      }
    },
    120_000,
  )
})

describe('the sizes are kept in bounded time', () => {
  it('a full hash part rehashed every other instruction still stops at the deadline', async () => {
    // deleting one key and adding another to a table whose hash part is full makes C Lua (and
    // this count) rehash every other time: O(entries) inside one instruction, ~30 ms for
    // 524,287 keys, where the deadline is checked every 1,000 instructions (4.8 s under 3 s)
    const host = await createHost({
      engines: [luaEngine()],
      policy: 'minimal',
      limits: { timeoutMs: 3_000, instructions: false, memoryBytes: 512 * 1024 * 1024 },
    })
    try {
      const source = `local t = {} for i = 1, 524287 do t['k' .. i] = i end
        local n = 0 while true do n = n + 1 t['k' .. n] = nil t['x' .. n] = 1 end`
      const started = performance.now()
      const e = await host.execute({ language: 'lua', source }).catch((x: unknown) => x)
      expect(e).toBeInstanceOf(LimitExceededError)
      expect((e as LimitExceededError).limit).toBe('timeout')
      expect(performance.now() - started).toBeLessThan(3_000 + 600)
    } finally {
      await host.close()
    }
  }, 30_000)
})
