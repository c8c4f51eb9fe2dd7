// Times the guest setup of a fresh sandboxed context (evaluate the setup script, apply the
// policy, lock down), the part of state creation the guest code costs. Not a test: prints
// figures. Run after a build: `node scripts/fresh-setup.mjs [iterations] [setup module]`.
import release from '@jitl/quickjs-wasmfile-release-sync'
import { newQuickJSWASMModuleFromVariant } from 'quickjs-emscripten-core'
const { GUEST_SETUP } = await import(process.argv[3] ?? '../dist/guest-setup.js')

const N = Number(process.argv[2] ?? 300)
const vm = await newQuickJSWASMModuleFromVariant(release)
const runtime = vm.newRuntime()
const config = { remove: [], noRandom: false, noEval: true, time: 'frozen', random: 'seeded', console: true, print: true, arrayCap: 1e6 }
// as state-create does: a realm shape whose second discovery phase found nothing is skipped after
const knownRealms = []

function fresh() {
  const ctx = runtime.newContext()
  const setup = ctx.unwrapResult(ctx.evalCode(GUEST_SETUP, '<setup>', { type: 'global' }))
  const log = ctx.newFunction('log', () => {})
  const entropy = ctx.newFunction('entropy', () => ctx.newNumber(1))
  const cfg = ctx.newString(JSON.stringify({ ...config, knownRealms }))
  const helpers = ctx.unwrapResult(ctx.callFunction(setup, ctx.undefined, cfg, log, entropy))
  const lockdown = ctx.getProp(helpers, 'lockdown')
  ctx.unwrapResult(ctx.callFunction(lockdown, ctx.undefined)).dispose()
  const check = ctx.getProp(helpers, 'check')
  const ok = ctx.dump(ctx.unwrapResult(ctx.callFunction(check, ctx.undefined)))
  if (ok !== true) throw new Error('the fresh context does not pass its check')
  if (knownRealms.length === 0) {
    const intrinsics = ctx.getProp(helpers, 'intrinsicsJson')
    const r = JSON.parse(ctx.dump(ctx.unwrapResult(ctx.callFunction(intrinsics, ctx.undefined))))
    if (r.extra === 0) knownRealms.push(r.signature)
    intrinsics.dispose()
  }
  for (const h of [setup, log, entropy, cfg, helpers, lockdown, check]) h.dispose()
  ctx.dispose()
}

for (let i = 0; i < 30; i++) fresh()
// CPU time as well as wall time: on a shared machine the wall clock mostly measures the others
const wall = []
const cpu = []
for (let i = 0; i < N; i++) {
  const t = performance.now()
  const c = process.cpuUsage()
  fresh()
  const d = process.cpuUsage(c)
  cpu.push((d.user + d.system) / 1000)
  wall.push(performance.now() - t)
}
const q = (xs, p) => [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))].toFixed(2)
console.log(
  `fresh sandboxed context (setup + lockdown) over ${N}: CPU median ${q(cpu, 0.5)} ms (p10 ${q(cpu, 0.1)}); ` +
    `wall median ${q(wall, 0.5)} ms (p10 ${q(wall, 0.1)})`,
)
