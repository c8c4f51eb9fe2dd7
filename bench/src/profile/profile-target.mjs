/**
 * One Polyhost path in a loop, for `node --cpu-prof`:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof src/profile/profile-target.mjs tiny lua 20000
 *   node src/profile/profile-summary.mjs /tmp/prof/*.cpuprofile
 *
 * Targets: tiny | cpu-fib | cpu-strings | cpu-tables | bridge | conversion | async, then the
 * language (lua | js) and how many executions.
 */
import { z } from 'zod'
import { openHost } from '../polyhost.mjs'
import { makeRecords } from '../workloads/conversion.mjs'

const [target = 'tiny', language = 'lua', countArg] = process.argv.slice(2)
const lua = language === 'lua'

const TARGETS = {
  tiny: { n: 20_000, source: lua ? 'return a + b' : 'a + b', globals: { a: 20, b: 22 } },
  'cpu-fib': {
    n: 10,
    source: lua
      ? 'local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end return fib(25)'
      : '(() => { const fib = (n) => (n < 2 ? n : fib(n - 1) + fib(n - 2)); return fib(25) })()',
  },
  'cpu-strings': {
    n: 20,
    source: lua
      ? "local t = {} for i = 1, 20000 do t[#t + 1] = string.format('%d:%s', i, string.rep('x', i % 10)) end return #table.concat(t, ',')"
      : "(() => { const t = []; for (let i = 1; i <= 20000; i++) t.push(i + ':' + 'x'.repeat(i % 10)); return t.join(',').length })()",
  },
  'cpu-tables': {
    n: 20,
    source: lua
      ? "local rows = {} for i = 1, 20000 do rows[i] = { id = i, v = i % 97, k = 'k' .. (i % 500) } end return #rows"
      : "(() => { const rows = []; for (let i = 1; i <= 20000; i++) rows.push({ id: i, v: i % 97, k: 'k' + (i % 500) }); return rows.length })()",
  },
  bridge: {
    n: 20,
    source: lua
      ? 'local s = 0 for i = 1, 100000 do s = calc.add(s, 1) end return s'
      : '(() => { let s = 0; for (let i = 0; i < 100000; i++) s = calc.add(s, 1); return s })()',
  },
  conversion: { n: 300, source: lua ? 'return records' : 'records', globals: { records: makeRecords(1000) } },
}

const spec = TARGETS[target]
if (!spec) {
  console.error(`unknown target '${target}' (have: ${Object.keys(TARGETS).join(', ')})`)
  process.exit(2)
}
const { host, core, note } = await openHost([lua ? 'lua' : 'js'])
if (!host) {
  console.error(note)
  process.exit(1)
}
host.bridges.register(
  core.defineBridge({
    name: 'calc',
    methods: { add: { args: [z.number(), z.number()], returns: z.number(), handler: (_c, a, b) => a + b } },
  }),
)
const n = Number(countArg ?? spec.n)
const t0 = performance.now()
for (let i = 0; i < n; i++) await host.execute({ language: lua ? 'lua' : 'js', source: spec.source, globals: spec.globals })
const ms = performance.now() - t0
console.log(`${target} ${language}: ${n} executions in ${ms.toFixed(0)} ms (${((ms / n) * 1000).toFixed(1)} µs each)`)
await host.close()
