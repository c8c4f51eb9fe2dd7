import * as rawLua from './raw-lua.mjs'
import * as rawJs from './raw-quickjs.mjs'

const { lua } = rawLua

/**
 * Raw async host calls, written the way an application without Polyhost would: one state
 * per concurrent slot, the script's call to `kv.get` suspends it until the host's promise
 * settles. `lookup(key)` is the host's async function.
 */

/**
 * A fengari slot: the host function yields the running thread; the host resumes it with
 * the result when the promise settles.
 * @param {(key: string) => Promise<string>} lookup
 */
export function luaSlot(lookup) {
  const L = rawLua.newState()
  let pending
  lua.lua_createtable(L, 0, 1)
  lua.lua_pushcfunction(L, (S) => {
    pending = lookup(lua.lua_tojsstring(S, 1))
    return lua.lua_yield(S, 0)
  })
  lua.lua_setfield(L, -2, rawLua.luaSource('get'))
  lua.lua_setglobal(L, rawLua.luaSource('kv'))
  return {
    /** Runs `source` (a Lua chunk from `luaSource`) with global `key`. */
    async run(source, key) {
      const co = lua.lua_newthread(L)
      rawLua.setGlobal(L, 'key', key)
      rawLua.load(co, source)
      let status = lua.lua_resume(co, L, 0)
      while (status === lua.LUA_YIELD) {
        const value = await pending
        rawLua.push(co, value)
        status = lua.lua_resume(co, L, 1)
      }
      if (status !== lua.LUA_OK) throw new Error(lua.lua_tojsstring(co, -1))
      const v = rawLua.toJs(co, -1)
      lua.lua_pop(L, 1) // the thread
      return v
    },
    close: () => rawLua.closeState(L),
  }
}

/**
 * A QuickJS slot: `kv.get` returns a VM promise resolved from the host; the host runs the
 * VM's pending jobs after each resolution and awaits the script's own promise.
 * @param {(key: string) => Promise<string>} lookup
 */
export async function jsSlot(lookup) {
  const vm = await rawJs.newContext()
  const kv = vm.newObject()
  const get = vm.newFunction('get', (k) => {
    const d = vm.newPromise()
    lookup(vm.getString(k)).then((value) => {
      const h = vm.newString(value)
      d.resolve(h)
      h.dispose()
      d.dispose()
      vm.runtime.executePendingJobs()
    })
    return d.handle
  })
  vm.setProp(kv, 'get', get)
  vm.setProp(vm.global, 'kv', kv)
  get.dispose()
  kv.dispose()
  return {
    /** Runs `source`, an expression evaluating to a promise, with global `key`. */
    async run(source, key) {
      rawJs.setGlobal(vm, 'key', key)
      const p = vm.unwrapResult(vm.evalCode(source))
      const settled = vm.resolvePromise(p)
      p.dispose()
      vm.runtime.executePendingJobs()
      const h = vm.unwrapResult(await settled)
      const v = vm.dump(h)
      h.dispose()
      return v
    },
    close: () => rawJs.dispose(vm),
  }
}

/**
 * Runs `total` jobs with at most `inFlight` at once; `job(i, slot)` gets a slot index
 * that no other running job holds.
 * @param {number} total
 * @param {number} inFlight
 * @param {(i: number, slot: number) => Promise<unknown>} job
 */
export async function runConcurrently(total, inFlight, job) {
  let next = 0
  const worker = async (slot) => {
    while (next < total) await job(next++, slot)
  }
  await Promise.all(Array.from({ length: Math.min(inFlight, total) }, (_, slot) => worker(slot)))
}
