/**
 * Feasibility and cost of starting QuickJS states from a memory snapshot (Wizer-style)
 * instead of re-running set-up and lockdown. Not wired into the engine yet; this measures the
 * route and checks its isolation on quickjs-emscripten directly:
 *
 *   node scripts/snapshot-restore.mjs
 *
 * Template: one instance with its own Memory; a host function, a lockdown-like walk that
 * freezes every reachable intrinsic, and a guest helper. Snapshot: the 4 KiB pages that
 * differ from a freshly started instance. Restore: instantiate the shared compiled module
 * with a new Memory, write those pages, and rebuild the JS-side wrappers at the template's
 * addresses (runtime and context pointers, held handles, host functions re-registered under
 * the same HostRefMap ids with closures bound to the copy).
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import variant from '@jitl/quickjs-wasmfile-release-sync'
import * as core from 'quickjs-emscripten-core'

const PAGES = 256
const PAGE_4K = 4096
const wasm = new WebAssembly.Module(readFileSync(createRequire(import.meta.url).resolve('@jitl/quickjs-wasmfile-release-sync/wasm')))
const LOCKDOWN = `(function () {
  const seen = new Set()
  const walk = (o) => {
    if ((typeof o !== 'object' && typeof o !== 'function') || o === null || seen.has(o)) return
    seen.add(o)
    for (const k of Reflect.ownKeys(o)) {
      const d = Object.getOwnPropertyDescriptor(o, k)
      if ('value' in d) walk(d.value)
      else { walk(d.get); walk(d.set) }
    }
    walk(Object.getPrototypeOf(o))
  }
  globalThis.tag = 'template'
  walk(globalThis)
  for (const o of seen) Object.freeze(o)
  return seen.size
})()`

const check = (ok, what) => {
  if (!ok) throw new Error(`snapshot isolation check failed: ${what}`)
}

let t = performance.now()
const template = await instance(new WebAssembly.Memory({ initial: PAGES, maximum: 4096 }))
const rt1 = template.module.newRuntime()
const ctx1 = rt1.newContext()
ctx1
  .newFunction('hostAdd', (a, b) => ctx1.newNumber(ctx1.getNumber(a) + ctx1.getNumber(b)))
  .consume((f) => ctx1.setProp(ctx1.global, 'hostAdd', f))
const frozen = ctx1.getNumber(ctx1.unwrapResult(ctx1.evalCode(LOCKDOWN)))
const helper = ctx1.unwrapResult(ctx1.evalCode('(function helper(x) { return hostAdd(x, 1) + ":" + tag })'))
const buildMs = performance.now() - t

t = performance.now()
const fresh = new Int32Array((await instance(new WebAssembly.Memory({ initial: PAGES, maximum: 4096 }))).memory.buffer)
const words = new Int32Array(template.memory.buffer)
const bytes = new Uint8Array(template.memory.buffer)
const pages = []
for (let p = 0; p < bytes.length; p += PAGE_4K) {
  for (let w = p >> 2, end = (p + PAGE_4K) >> 2; w < end; w++) {
    if (words[w] !== fresh[w]) {
      pages.push([p, bytes.slice(p, p + PAGE_4K)])
      break
    }
  }
}
const snap = { pages, rt: rt1.rt.value, ctx: ctx1.ctx.value, helper: helper.value, global: ctx1.global.value }
const snapMs = performance.now() - t

const N = 50
t = performance.now()
for (let i = 0; i < N; i++) disposeCopy(await restore())
const restoreMs = (performance.now() - t) / N
t = performance.now()
for (let i = 0; i < N; i++) {
  const rt = (await instance(new WebAssembly.Memory({ initial: PAGES, maximum: 4096 }))).module.newRuntime()
  rt.newContext().dispose()
  rt.dispose()
}
const rawMs = (performance.now() - t) / N

const a = await restore()
const b = await restore()
const run = (s, code) => s.ctx.dump(s.ctx.unwrapResult(s.ctx.evalCode(code)))
const callHelper = (s, x) =>
  s.ctx.newNumber(x).consume((n) => s.ctx.dump(s.ctx.unwrapResult(s.ctx.callFunction(s.helper, s.ctx.undefined, n))))
check(callHelper(a, 41) === '42:template' && callHelper(b, 1) === '2:template', 'helpers and host functions work in copies')
check(run(a, 'Object.isFrozen(Array.prototype) && Object.isFrozen(globalThis.Object)') === true, 'the lockdown is in the copy')
run(a, 'globalThis.x = 5; try { Array.prototype.evil = 1 } catch {}; try { Object.prototype.polluted = 1 } catch {}; 0')
new Uint8Array(a.memory.buffer).fill(0xab, 8 << 20, (8 << 20) + 1024)
check(
  run(b, 'typeof globalThis.x + "/" + typeof [].evil + "/" + typeof ({}).polluted') === 'undefined/undefined/undefined',
  'writes through one copy are invisible to the other',
)
check(a.memory.buffer !== b.memory.buffer && new Uint8Array(b.memory.buffer)[(8 << 20) + 10] === 0, 'each copy owns its memory')
disposeCopy(a)
check(callHelper(b, 2) === '3:template', 'disposing one copy leaves the other working')
disposeCopy(b)

console.log(`template build (set-up + lockdown of ${frozen} objects): ${buildMs.toFixed(1)} ms`)
console.log(`snapshot: ${pages.length * 4} KiB in ${pages.length} pages differ from a fresh instance (${snapMs.toFixed(1)} ms, once)`)
console.log(`restore (instance + pages + wrappers), mean of ${N}: ${restoreMs.toFixed(2)} ms`)
console.log(`raw fresh instance + runtime + context, mean of ${N}: ${rawMs.toFixed(2)} ms`)
console.log('isolation checks passed (globals, prototypes, WASM memory, disposal)')

// --- internal ---

async function instance(memory) {
  const emscriptenModule = {
    instantiateWasm: (imports, receive) => {
      const i = new WebAssembly.Instance(wasm, imports)
      receive(i, wasm)
      return i.exports
    },
  }
  const module = await core.newQuickJSWASMModuleFromVariant(core.newVariant(variant, { wasmMemory: memory, emscriptenModule }))
  return { module, memory }
}

async function restore() {
  const { module, memory } = await instance(new WebAssembly.Memory({ initial: PAGES, maximum: 4096 }))
  const view = new Uint8Array(memory.buffer)
  for (const [at, page] of snap.pages) view.set(page, at)
  // the runtime and context already exist in the copied memory: wrap them at their addresses
  const ffi = module.getFFI()
  const newRuntime = ffi.QTS_NewRuntime
  ffi.QTS_NewRuntime = () => snap.rt
  const rt = module.newRuntime()
  ffi.QTS_NewRuntime = newRuntime
  const ctx = rt.newContext({ contextPointer: snap.ctx })
  // host functions: same ids as in the template (allocated in order), closures bound to this copy
  rt.hostRefs.put((x, y) => ctx.newNumber(ctx.getNumber(x) + ctx.getNumber(y)))
  // every handle the template held when copied lives on in the copy: adopt it, or it leaks
  const helper = ctx.memory.heapValueHandle(snap.helper)
  const global = ctx.memory.heapValueHandle(snap.global)
  return { memory, rt, ctx, helper, global }
}

function disposeCopy(s) {
  s.helper.dispose()
  s.global.dispose()
  s.ctx.dispose()
  s.rt.dispose()
}
