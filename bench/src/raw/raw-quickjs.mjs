import { createRequire } from 'node:module'
import { getQuickJS } from 'quickjs-emscripten'

const require = createRequire(import.meta.url)

/** quickjs-emscripten version, for the report. */
export const QUICKJS_VERSION = require('quickjs-emscripten/package.json').version

/** @type {Promise<import('quickjs-emscripten').QuickJSWASMModule> | undefined} */
let modulePromise

/** The default (release-sync) QuickJS module, loaded once: what `getQuickJS()` gives every user. */
export function quickjs() {
  modulePromise ??= getQuickJS()
  return modulePromise
}

/**
 * A new runtime and context with no limits, no interrupt handler and no sandbox.
 * @returns {Promise<import('quickjs-emscripten').QuickJSContext>}
 */
export async function newContext() {
  return (await quickjs()).newContext()
}

/**
 * `evalCode` + dump: parse and run once, returning the result as a JS value.
 * @param {import('quickjs-emscripten').QuickJSContext} vm
 * @param {string} source
 */
export function evalValue(vm, source) {
  const r = vm.evalCode(source)
  if (r.error) {
    const err = vm.dump(r.error)
    r.error.dispose()
    throw new Error(typeof err === 'object' && err ? String(err.message) : String(err))
  }
  const v = vm.dump(r.value)
  r.value.dispose()
  return v
}

/**
 * Sets a global from a JS value through handles (numbers, strings, booleans, null, arrays
 * and plain objects, built property by property).
 */
export function setGlobal(vm, name, value) {
  const h = toHandle(vm, value)
  vm.setProp(vm.global, name, h)
  h.dispose()
}

/**
 * Sets a global from a JS value through one JSON string parsed inside the VM: the fastest
 * raw path for plain data.
 */
export function setGlobalJson(vm, name, value) {
  const s = vm.newString(JSON.stringify(value))
  vm.setProp(vm.global, '__json', s)
  s.dispose()
  const r = vm.evalCode(`globalThis[${JSON.stringify(name)}] = JSON.parse(__json); undefined`)
  vm.unwrapResult(r).dispose()
}

/**
 * Runs `source` and reads its result back as a JSON string (stringified inside the VM).
 * @param {import('quickjs-emscripten').QuickJSContext} vm
 * @param {string} source an expression
 */
export function evalJson(vm, source) {
  const r = vm.evalCode(`JSON.stringify(${source})`)
  const h = vm.unwrapResult(r)
  const s = vm.getString(h)
  h.dispose()
  return JSON.parse(s)
}

/**
 * Registers a host function as a global: the raw host-function call path.
 * @param {import('quickjs-emscripten').QuickJSContext} vm
 * @param {string} name
 * @param {(...args: import('quickjs-emscripten').QuickJSHandle[]) => import('quickjs-emscripten').QuickJSHandle | undefined} fn
 */
export function setFunction(vm, name, fn) {
  const f = vm.newFunction(name, fn)
  vm.setProp(vm.global, name, f)
  f.dispose()
}

/** Disposes a context; a context made by `newContext` owns its runtime and disposes it too. */
export function dispose(vm) {
  const rt = vm.runtime
  vm.dispose()
  if (rt.alive) rt.dispose()
}

// --- internal ---

function toHandle(vm, v) {
  switch (typeof v) {
    case 'number':
      return vm.newNumber(v)
    case 'string':
      return vm.newString(v)
    case 'boolean':
      return v ? vm.true : vm.false
    case 'object': {
      if (v === null) return vm.null
      if (Array.isArray(v)) {
        const a = vm.newArray()
        for (let i = 0; i < v.length; i++) {
          const h = toHandle(vm, v[i])
          vm.setProp(a, i, h)
          h.dispose()
        }
        return a
      }
      const o = vm.newObject()
      for (const k of Object.keys(v)) {
        const h = toHandle(vm, v[k])
        vm.setProp(o, k, h)
        h.dispose()
      }
      return o
    }
    default:
      return vm.undefined
  }
}
