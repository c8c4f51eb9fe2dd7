// The math library against native Lua in the last bit: each function over N seeded arguments
// (300 by default), its results printed with '%.17g' by the engine and by lua5.3 (or lua5.1
// for '51', the engine's numbers: 'lua51'); prints how many arguments differ per function.
// The counts in README.md's deviation lists come from this script.
// Build first: pnpm turbo run build --filter=@polyhost/engine-lua
// Run:         node packages/engine-lua/scripts/libm-sweep.mjs [53|51] [N]
import { createHost } from '@polyhost/core'
import { luaEngine } from '../dist/index.js'
import { spawnSync } from 'node:child_process'
const mode = process.argv[2] ?? '53'
const N = +(process.argv[3] ?? 300)
let s = 12345
const R = () => {
  s = (Math.imul(s, 1664525) + 1013904223) >>> 0
  return s / 2 ** 32
}
const U = (a, b) => a + (b - a) * R()
const num = (x) => (Number.isInteger(x) && Math.abs(x) < 1e15 ? String(x) : x.toPrecision(17))
const gen = (f) => Array.from({ length: N }, (_, i) => f(i))
const pos = (i) => (i < 60 ? i + 1 : i < 120 ? U(0, 2) : 10 ** U(-12, 12))
const trig = (i) => (i < 40 ? i - 20 : i < 240 ? U(-7, 7) : U(-1e6, 1e6))
const F = {
  'math.log': [1, pos],
  'math.log10': [1, pos],
  'math.exp': [1, (i) => (i < 40 ? i - 20 : i < 200 ? U(-10, 10) : U(-700, 700))],
  'math.sin': [1, trig],
  'math.cos': [1, trig],
  'math.tan': [1, trig],
  'math.asin': [1, () => U(-1, 1)],
  'math.acos': [1, () => U(-1, 1)],
  'math.atan': [1, (i) => (i < 150 ? U(-3, 3) : (R() < 0.5 ? -1 : 1) * 10 ** U(-5, 8))],
  'math.sinh': [1, () => U(-25, 25)],
  'math.cosh': [1, () => U(-25, 25)],
  'math.tanh': [1, () => U(-5, 5)],
  'math.sqrt': [1, pos],
  'math.atan2': [2, () => [U(-10, 10), U(-10, 10)]],
  'math.pow': [2, (i) => [U(0, 50), i < 100 ? Math.round(U(-30, 30)) : U(-10, 10)]],
  '^': [2, (i) => [U(0, 50), i < 100 ? Math.round(U(-30, 30)) : U(-10, 10)]],
  'math.fmod': [2, () => [U(-1000, 1000), U(-50, 50)]],
  'math.deg': [1, () => U(-10, 10)],
  'math.rad': [1, () => U(-1000, 1000)],
}
if (mode === '53') {
  F['math.log@2'] = [1, pos]
  F['math.log@10'] = [1, pos]
  F['math.log@3'] = [1, (i) => (i < 40 ? 3 ** (i - 10) : pos(i))]
  F['math.log@b'] = [2, () => [10 ** U(-5, 5), U(1.1, 50)]]
}
const names = Object.keys(F)
const inputs = names.map((n) => gen(F[n][1]))
const call = (n, a) => {
  const args = Array.isArray(a) ? a.map(num) : [num(a)]
  if (n === '^') return `(${args[0]})^(${args[1]})`
  if (n.includes('@')) {
    const [f, b] = n.split('@')
    return `${f}(${args[0]}, ${b === 'b' ? args[1] : b})`
  }
  return `${n}(${args.join(', ')})`
}
const lines = []
for (const [k, n] of names.entries()) for (const a of inputs[k]) lines.push(`o[#o+1] = string.format('%.17g', ${call(n, a)})`)
const src = `local o = {}\n${lines.join('\n')}\nreturn table.concat(o, '\\n')`
const nat = spawnSync(mode === '51' ? 'lua5.1' : 'lua5.3', ['-'], {
  input: src.replace(/return (table.concat.*)$/, 'io.write($1)'),
  encoding: 'utf8',
  maxBuffer: 1 << 26,
})
const host = await createHost({ engines: [luaEngine(mode === '51' ? { numbers: 'lua51' } : {})], policy: 'minimal' })
const r = await host.execute({ language: 'lua', source: src })
await host.close()
const a = nat.stdout.split('\n'),
  b = String(r.values[0]).split('\n')
let i = 0,
  total = 0
const out = {}
names.forEach((n, k) => {
  let d = 0
  const ex = []
  for (const x of inputs[k]) {
    if (a[i] !== b[i]) {
      d++
      if (ex.length < 2) ex.push(`${call(n, x)}: ${a[i]} vs ${b[i]}`)
    }
    i++
  }
  total += d
  out[n] = d
  console.log(`${n.padEnd(12)} ${String(d).padStart(4)}/${N}  ${ex.join(' | ')}`)
})
console.log('total', total, 'of', i)
