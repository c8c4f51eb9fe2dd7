// The CPU cost of exact (checked) integer arithmetic: the bench CPU programs on two private
// fengari copies that differ only in the number patches (fengari-numbers.ts), run without
// hooks, interleaved (A B, B A) so machine load hits both alike. Prints median CPU times
// (process.cpuUsage: less disturbed than wall time on a shared machine) and ratios.
// Build first: pnpm turbo run build --filter=@polyhost/engine-lua
// Run:         node packages/engine-lua/scripts/numbers-cost.mjs [rounds]
import { FENGARI_PATCHES, FENGARI_SUBSTITUTES } from '../dist/fengari-guards.js'
import { loadPatchedFengari } from '../dist/fengari-loader.js'
import { numberPatches, numberSubstitutes } from '../dist/fengari-numbers.js'
import { GuardRuntime } from '../dist/guard-runtime.js'

const PROGRAMS = {
  'fib(27)': 'local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end return fib(27)',
  strings: `local t = {}
for i = 1, 20000 do t[#t + 1] = string.format('%d:%s', i, string.rep('x', i % 10)) end
local s = table.concat(t, ',')
local n = 0
for w in string.gmatch(s, '%d+') do n = n + #w end
return n + #string.upper(s)`,
  tables: `local rows = {}
for i = 1, 20000 do rows[i] = { id = i, v = i % 97, k = 'k' .. (i % 500) } end
local sum, groups = 0, {}
for i = 1, #rows do local r = rows[i] sum = sum + r.v groups[r.k] = (groups[r.k] or 0) + r.v end
local g = 0
for _, v in pairs(groups) do g = g + 1 end
return sum + g`,
}

function instance(withNumbers) {
  const patches = withNumbers ? [...FENGARI_PATCHES, ...numberPatches('lua53')] : FENGARI_PATCHES
  const subs = withNumbers ? { ...FENGARI_SUBSTITUTES, ...numberSubstitutes('lua53') } : FENGARI_SUBSTITUTES
  const { load } = loadPatchedFengari(patches, new GuardRuntime(), subs)
  const lua = load('lua.js')
  const lauxlib = load('lauxlib.js')
  const { to_luastring } = load('defs.js')
  const L = lauxlib.luaL_newstate()
  for (const [name, file, fn] of [
    ['_G', 'lbaselib.js', 'luaopen_base'],
    ['string', 'lstrlib.js', 'luaopen_string'],
    ['table', 'ltablib.js', 'luaopen_table'],
  ]) {
    lauxlib.luaL_requiref(L, to_luastring(name), load(file)[fn], 1)
    lua.lua_settop(L, 0)
  }
  return (src) => {
    if (lauxlib.luaL_loadstring(L, to_luastring(src)) !== 0) throw new Error('load')
    const t = process.cpuUsage()
    if (lua.lua_pcall(L, 0, 1, 0) !== 0) throw new Error(lua.lua_tojsstring(L, -1))
    const used = process.cpuUsage(t)
    const ms = (used.user + used.system) / 1000
    const v = lua.lua_tonumber(L, -1)
    lua.lua_settop(L, 0)
    return { ms, v }
  }
}

const rounds = Number(process.argv[2] ?? 15)
// which copy is loaded first is swappable (SWAP=1), to see that order does not decide the figure
const [run32, run53] = process.env.SWAP ? [instance(true), instance(false)].reverse() : [instance(false), instance(true)]
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
for (const [name, src] of Object.entries(PROGRAMS)) {
  if (process.env.ONLY && !name.startsWith(process.env.ONLY)) continue
  if (run32(src).v !== run53(src).v) throw new Error(`${name}: results differ`)
  const a = []
  const b = []
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) {
      a.push(run32(src).ms)
      b.push(run53(src).ms)
    } else {
      b.push(run53(src).ms)
      a.push(run32(src).ms)
    }
  }
  const [ma, mb] = [median(a), median(b)]
  console.log(`${name}: 32-bit wrapping ${ma.toFixed(0)} ms CPU, exact 53-bit ${mb.toFixed(0)} ms CPU, ratio ${(mb / ma).toFixed(2)}×`)
}
