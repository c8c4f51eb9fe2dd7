// Measures the engine against raw quickjs-emscripten. Not a test: prints figures.
// Run after a build: `pnpm turbo run build --filter=@polyhost/engine-js... && node scripts/bench.mjs`
import { createHost, defineBridge } from '@polyhost/core'
import { newQuickJSWASMModuleFromVariant } from 'quickjs-emscripten-core'
import release from '@jitl/quickjs-wasmfile-release-sync'
import { z } from 'zod'
import { jsEngine } from '../dist/index.js'

const raw = await newQuickJSWASMModuleFromVariant(release)
const us = (ms, n) => ((ms / n) * 1000).toFixed(2)

async function time(n, fn) {
  for (let i = 0; i < Math.min(200, n); i++) await fn(i) // warm up
  const t = performance.now()
  for (let i = 0; i < n; i++) await fn(i)
  return performance.now() - t
}

const host = await createHost({
  engines: [jsEngine()],
  pool: { min: 1, max: 1 },
  limits: { timeoutMs: 60_000, instructions: 1e12, bridgeCalls: 1e9 },
})
host.bridges.register(defineBridge({ name: 'br', methods: { f: { args: [z.number()], handler: (_c, x) => x + 1 } } }))
await host.execute({ language: 'js', source: '1' })

// 1. warm execute of `a + b` with globals
{
  const ctx = raw.newContext()
  const N = 5000
  const tRaw = await time(N, (i) => {
    const a = ctx.newNumber(i)
    ctx.setProp(ctx.global, 'a', a)
    a.dispose()
    const b = ctx.newNumber(2)
    ctx.setProp(ctx.global, 'b', b)
    b.dispose()
    const h = ctx.unwrapResult(ctx.evalCode('a + b'))
    ctx.getNumber(h)
    h.dispose()
  })
  const script = await host.compile({ language: 'js', source: 'a + b', name: 'ab.js' })
  const tHost = await time(N, (i) => script.run({ globals: { a: i, b: 2 } }))
  console.log(`warm a + b: raw evalCode ${us(tRaw, N)} µs, engine ${us(tHost, N)} µs (${(tHost / tRaw).toFixed(2)}x)`)
  ctx.dispose()
}

// 2. fib(27) with limits on vs raw
{
  const fib = 'function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2) } fib(27)'
  const ctx = raw.newContext()
  const tRaw = await time(3, () => ctx.unwrapResult(ctx.evalCode(fib)).dispose())
  const tHost = await time(3, () => host.execute({ language: 'js', source: fib }))
  console.log(`fib(27): raw ${(tRaw / 3).toFixed(1)} ms, engine with limits ${(tHost / 3).toFixed(1)} ms (${(tHost / tRaw).toFixed(2)}x)`)
  ctx.dispose()
}

// 3. bridge calls per second vs raw newFunction
{
  const N = 100_000
  const loop = `{ let s = 0; for (let i = 0; i < ${N}; i++) s = br.f(i); s }`
  const ctx = raw.newContext()
  const f = ctx.newFunction('f', (x) => ctx.newNumber(ctx.getNumber(x) + 1))
  const obj = ctx.newObject()
  ctx.setProp(obj, 'f', f)
  ctx.setProp(ctx.global, 'br', obj)
  f.dispose()
  obj.dispose()
  const tRaw = await time(2, () => ctx.unwrapResult(ctx.evalCode(loop)).dispose())
  const tHost = await time(2, () => host.execute({ language: 'js', source: loop }))
  const rate = (ms) => Math.round((N * 2) / (ms / 1000))
  console.log(`bridge calls: raw newFunction ${rate(tRaw)}/s, engine ${rate(tHost)}/s (${((tRaw / tHost) * 100).toFixed(0)}% of raw)`)
  ctx.dispose()
}

// 4. 1k-record conversion, host -> script -> host, vs the raw JSON path
{
  const records = Array.from({ length: 1000 }, (_, i) => ({
    id: i,
    name: `user ${i}`,
    active: i % 2 === 0,
    score: i / 3,
    tags: ['a', 'b'],
  }))
  const ctx = raw.newContext()
  const parse = ctx.unwrapResult(ctx.evalCode('(s) => JSON.parse(s)'))
  const stringify = ctx.unwrapResult(ctx.evalCode('(v) => JSON.stringify(v)'))
  const N = 200
  const tRaw = await time(N, () => {
    const s = ctx.newString(JSON.stringify(records))
    const v = ctx.unwrapResult(ctx.callFunction(parse, ctx.undefined, s))
    const out = ctx.unwrapResult(ctx.callFunction(stringify, ctx.undefined, v))
    JSON.parse(ctx.getString(out))
    for (const h of [s, v, out]) h.dispose()
  })
  const empty = await time(N, () => host.execute({ language: 'js', source: 'null' }))
  const tHost = await time(N, () => host.execute({ language: 'js', source: 'data', globals: { data: records } }))
  console.log(
    `1k records round trip: raw JSON path ${us(tRaw, N)} µs, engine ${us(tHost, N)} µs (${(tHost / tRaw).toFixed(2)}x; ` +
      `minus an empty execution ${us(tHost - empty, N)} µs = ${((tHost - empty) / tRaw).toFixed(2)}x)`,
  )
  for (const h of [parse, stringify]) h.dispose()
  ctx.dispose()
}

// New states, reset and memory per state: BENCHMARKS.md (bench/, workloads 1 and 7)

await host.close()
