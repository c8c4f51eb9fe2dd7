// Measures what tenant partitions (on by default) cost against `partitionByTenant: false`
// (not a test; numbers vary with machine load). Needs built packages:
// pnpm turbo run build; then: node --expose-gc packages/core/scripts/partition-cost.mjs [lua|js]
import { createHost } from '@polyhost/core'

const lang = process.argv[2] ?? 'lua'
const plugin =
  lang === 'js' ? (await import('../../engine-js/dist/index.js')).jsEngine : (await import('../../engine-lua/dist/index.js')).luaEngine
const source = lang === 'js' ? '1 + 1' : 'return 1 + 1'

async function perRun(partitionByTenant, tenants, n) {
  const host = await createHost({ engines: [plugin()], pool: { max: 8, partitionByTenant } })
  const s = await host.compile({ language: lang, source })
  for (let i = 0; i < 200; i++) await s.run({ tenant: `t${i % tenants}` })
  const t = performance.now()
  for (let i = 0; i < n; i++) await s.run({ tenant: `t${i % tenants}` })
  const us = ((performance.now() - t) * 1000) / n
  await host.close()
  return us
}

async function heapPerTenant(partitionByTenant) {
  const host = await createHost({ engines: [plugin()], pool: { max: 8, partitionByTenant } })
  const s = await host.compile({ language: lang, source })
  await s.run({ tenant: 't0' })
  globalThis.gc?.()
  const before = process.memoryUsage()
  for (let i = 1; i < 8; i++) await s.run({ tenant: `t${i}` })
  globalThis.gc?.()
  const after = process.memoryUsage()
  await host.close()
  const kib = (k) => Math.round((after[k] - before[k]) / 7 / 1024)
  return `${kib('heapUsed')} KiB heap, ${kib('arrayBuffers')} KiB array buffers`
}

for (const p of [false, true]) {
  const label = p ? 'partitioned (default)' : 'partitionByTenant: false'
  console.log(`${lang} ${label}`)
  console.log(`  one tenant, warm:          ${(await perRun(p, 1, 3000)).toFixed(1)} µs/run`)
  console.log(`  2 tenants alternating:     ${(await perRun(p, 2, 3000)).toFixed(1)} µs/run`)
  console.log(`  burst, 50 tenants, max 8:  ${(await perRun(p, 50, 1000)).toFixed(1)} µs/run`)
  console.log(`  per extra tenant (8 warm): ${await heapPerTenant(p)}`)
}
