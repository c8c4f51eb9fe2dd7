/**
 * Where a fresh sandboxed JS state's time goes: runs the 'fresh state per execution'
 * configuration (pool min 0, maxUses 1) and times the phases of state creation by wrapping
 * the built engine's internals: WASM instantiation (and the `WebAssembly.Instance` inside
 * it), the whole set-up and its lockdown call (first states of a shape), the snapshot
 * restore (later states), the state's destruction; plus CPU time, garbage collection and
 * first-touch page faults per state, with what one costs on this machine (on some VMs a page
 * fault costs tens of microseconds).
 *
 *   node src/profile/state-phases.mjs [executions] [--no-snapshots]
 */
import { PerformanceObserver } from 'node:perf_hooks'
import { createHost } from '@polyhost/core'
import { jsEngine } from '@polyhost/engine-js'

const n = Number(process.argv[2] ?? 40)
const snapshots = !process.argv.includes('--no-snapshots')
const dist = import.meta.resolve('@polyhost/engine-js')
const { JsState } = await import(new URL('./js-state.js', dist).href)
const { WasmLoader } = await import(new URL('./wasm.js', dist).href)
const { StateSnapshot } = await import(new URL('./state-snapshot.js', dist).href)
const { DirectFfi } = await import(new URL('./direct-ffi.js', dist).href)

const totals = new Map()
const add = (key, ms) => totals.set(key, (totals.get(key) ?? 0) + ms)
const timed = (owner, name, key = name) => {
  const original = owner[name]
  owner[name] = function (...args) {
    const started = performance.now()
    const r = original.apply(this, args)
    if (r instanceof Promise) return r.finally(() => add(key, performance.now() - started))
    add(key, performance.now() - started)
    return r
  }
}
const call = JsState.prototype.call
JsState.prototype.call = function (name, ...args) {
  const started = performance.now()
  try {
    return call.call(this, name, ...args)
  } finally {
    if (name === 'lockdown' || name === 'baselineJson') add(`  setup: ${name}()`, performance.now() - started)
  }
}
timed(WasmLoader.prototype, 'instantiate', '  WASM instance + Emscripten start-up')
timed(StateSnapshot.prototype, 'restore', '  snapshot restore (pages, wrappers, host functions)')
timed(DirectFfi, 'adopt', '    of which DirectFfi.adopt')
timed(JsState.prototype, 'destroy', '  JsState.destroy')
const Instance = WebAssembly.Instance
// biome-ignore lint/complexity/useArrowFunction: Emscripten calls it with `new`, which an arrow function refuses
WebAssembly.Instance = function (module, imports) {
  const started = performance.now()
  const r = new Instance(module, imports)
  add('    of which new WebAssembly.Instance', performance.now() - started)
  return r
}
let gcMs = 0
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMs += e.duration
}).observe({ entryTypes: ['gc'] })

const host = await createHost({ engines: [jsEngine({ snapshots })], policy: 'standard', pool: { min: 0, maxUses: 1 } })
for (let i = 0; i < 3; i++) await host.execute({ language: 'js', source: '1 + 1' })
totals.clear()
gcMs = 0
const cpu = process.cpuUsage()
const faults = process.resourceUsage().minorPageFault
const started = performance.now()
for (let i = 0; i < n; i++) await host.execute({ language: 'js', source: '1 + 1' })
const wall = (performance.now() - started) / n
const used = process.cpuUsage(cpu)
const faulted = (process.resourceUsage().minorPageFault - faults) / n
await new Promise((r) => setTimeout(r, 20))
console.log(
  `fresh state + execution (snapshots ${snapshots ? 'on' : 'off'}): ${wall.toFixed(2)} ms wall, ${((used.user + used.system) / 1000 / n).toFixed(2)} ms CPU (mean of ${n})`,
)
for (const [key, ms] of totals) console.log(`${key}: ${(ms / n).toFixed(2)} ms`)
console.log(`  garbage collection: ${(gcMs / n).toFixed(2)} ms`)
const perFault = faultCostMicros()
console.log(
  `  minor page faults: ${faulted.toFixed(0)} (this machine: ${perFault.toFixed(1)} µs each, first write to a page of a new WebAssembly.Memory: ~${((faulted * perFault) / 1000).toFixed(2)} ms a state)`,
)
await host.close()

/** What the first write to a page of a new WebAssembly.Memory costs here (kernel zero-fill), in µs. */
function faultCostMicros() {
  const pages = 64
  let ms = 0
  for (let round = 0; round < 10; round++) {
    const view = new Uint8Array(new WebAssembly.Memory({ initial: 4 }).buffer)
    const t = performance.now()
    for (let p = 0; p < pages; p++) view[p * 4096] = 1
    ms += performance.now() - t
  }
  return (ms * 1000) / (10 * pages)
}
