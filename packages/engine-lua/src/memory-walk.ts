import type { CClosure, GlobalState, LClosure, LuaState, LuaTable, Proto, TString, TValue } from './fengari-api.js'
import { SIZES } from './guard-runtime.js'
import { T_CCL, T_LCL, T_LIGHTUSERDATA, T_STRING_LONG, T_STRING_SHORT, T_TABLE, T_THREAD, T_USERDATA } from './value-tags.js'

const CLOSURE = SIZES.closure
const UPVAL = SIZES.upvalue
const PROTO = 200
const INSTRUCTION = SIZES.instruction
const CALLINFO = 120
/** A hash node of C Lua's positions (fengari-table-length.ts): key, hash, next, value flag. */
const NODE = 24

/**
 * Estimates the bytes reachable in a fengari state: strings (with their cached hash key),
 * tables and entries, closures, prototypes, threads with their stacks. fengari has no
 * allocator to ask and no GC to report, so this walk is the "mark" half of a collector:
 * what it cannot reach is garbage the JS GC will reclaim. Iterative (no recursion), each
 * object counted once. `skip` holds objects not charged to scripts (shared prototypes).
 * `goOn` is called every 4096 objects or table entries (deadline checks; one table of 200,000
 * entries was one object, 130-280 ms without a check); when it answers false the walk stops
 * there and the result is undefined (a trip: what the rest would add is of no use).
 */
export function reachableBytes(g: GlobalState, skip?: WeakSet<object>): number
export function reachableBytes(g: GlobalState, skip: WeakSet<object> | undefined, goOn: () => boolean): number | undefined
export function reachableBytes(g: GlobalState, skip?: WeakSet<object>, goOn?: () => boolean): number | undefined {
  // a walk is this engine's collection: the closure cache (fengari-guards.ts) is emptied as
  // C Lua's collector clears Proto.cache, so it keeps nothing the walk finds unreachable
  g.closures = new WeakMap()
  const seen = new Set<object>()
  const work: object[] = []
  let bytes = 0
  let visited = 0
  /** Counts a unit of work (an object, a table entry); false once `goOn` ended the walk. */
  const going = (): boolean => ++visited % 4096 !== 0 || goOn?.() !== false

  const value = (v: TValue | undefined): void => {
    if (!v) return
    const o = v.value
    switch (v.type) {
      case T_STRING_SHORT:
      case T_STRING_LONG: {
        const ts = o as TString
        if (seen.has(ts)) return
        seen.add(ts)
        const n = ts.realstring.length
        bytes += SIZES.string + n + (ts.hash === null ? 0 : n)
        return
      }
      case T_TABLE:
      case T_LCL:
      case T_CCL:
      case T_USERDATA:
      case T_THREAD:
        if (o && !seen.has(o as object)) {
          seen.add(o as object)
          work.push(v)
        }
        return
      case T_LIGHTUSERDATA:
        // a gmatch iterator's match state (other light userdata: sentinels the host made)
        if (typeof o === 'object' && o !== null && 'ms' in o && !seen.has(o)) {
          seen.add(o)
          bytes += SIZES.gmatch
        }
        return
      default: // light C functions, numbers, booleans: no heap of their own
        return
    }
  }

  value(g.l_registry)
  for (const mt of g.mt) if (mt && !seen.has(mt)) value({ type: T_TABLE, value: mt })
  value({ type: T_THREAD, value: g.mainthread })

  while (work.length > 0) {
    const v = work.pop() as TValue
    if (!going()) return undefined
    switch (v.type) {
      case T_TABLE: {
        const t = v.value as LuaTable
        bytes += SIZES.table + t.strong.size * SIZES.entry
        // the hash nodes whose positions are kept (fengari-table-length.ts)
        if (t.np !== undefined) bytes += t.hn * NODE
        if (t.dead_strong.size > 0) bytes += deadEntries(t)
        // object keys deleted: a WeakMap entry each while the key lives (counted until the next insertion)
        bytes += t.dead_weak_n * SIZES.entry
        if (t.metatable) value({ type: T_TABLE, value: t.metatable })
        for (const e of t.strong.values()) {
          value(e.key)
          value(e.value)
          if (!going()) return undefined
        }
        break
      }
      case T_LCL: {
        const cl = v.value as LClosure
        bytes += CLOSURE + cl.nupvalues * UPVAL
        for (const uv of cl.upvals) value(uv)
        // not `bytes += proto(...)`: that reads `bytes` before the call, losing what
        // value() adds for the prototype's strings during it
        const code = proto(cl.p, seen, skip, value)
        bytes += code
        break
      }
      case T_CCL: {
        const cl = v.value as CClosure
        bytes += CLOSURE + cl.upvalue.length * UPVAL
        for (const uv of cl.upvalue) value(uv)
        break
      }
      case T_USERDATA: {
        const u = v.value as { metatable: LuaTable | null; uservalue: TValue }
        bytes += CLOSURE
        if (u.metatable) value({ type: T_TABLE, value: u.metatable })
        value(u.uservalue)
        break
      }
      case T_THREAD: {
        const L = v.value as LuaState
        bytes += SIZES.thread + (L.stack?.length ?? 0) * SIZES.stackSlot
        for (let ci = L.ci; ci; ci = ci.previous as typeof ci) bytes += CALLINFO
        const top = Math.min(L.top, L.stack?.length ?? 0)
        for (let i = 0; i < top; i++) value(L.stack[i])
        break
      }
    }
  }
  return bytes
}

// --- internal ---

/**
 * Deleted entries a table still holds: the entry, and for a string key its hash (a JS
 * string as long as the key). The key's TString itself is released (fengari nils it).
 */
function deadEntries(t: LuaTable): number {
  let bytes = t.dead_strong.size * SIZES.entry
  for (const hash of t.dead_strong.keys()) if (typeof hash === 'string') bytes += hash.length
  return bytes
}

function proto(p: Proto, seen: Set<object>, skip: WeakSet<object> | undefined, value: (v: TValue) => void): number {
  if (seen.has(p) || skip?.has(p)) return 0
  seen.add(p)
  let bytes = PROTO + p.code.length * INSTRUCTION + p.lineinfo.length * 8
  for (const k of p.k) value(k)
  // debug strings: the chunk name (load's default is the whole source) and variable names
  if (p.source) value({ type: T_STRING_LONG, value: p.source })
  for (const v of p.locvars) if (v.varname) value({ type: T_STRING_LONG, value: v.varname })
  for (const u of p.upvalues) if (u.name) value({ type: T_STRING_LONG, value: u.name })
  for (const inner of p.p) bytes += proto(inner, seen, skip, value)
  return bytes
}

/**
 * Unlinks a destroyed state's thread from its heap (stack, call frames, registry,
 * metatables, caches), so that whatever still holds the thread holds nothing else. A
 * destroyed state can stay referenced from dead objects in V8's old generation until the
 * next full collection, and until then every scavenge copied its whole heap: a fresh state
 * per execution cost 1.1 ms of CPU, 0.53 ms with the heap cut (the state object drops its
 * own fields too, LuaSandbox.destroy).
 */
export function releaseHeap(L: LuaState): void {
  const g = L.l_G as unknown as Record<string, unknown>
  const t = L as unknown as Record<string, unknown>
  t.stack = []
  t.ci = undefined
  t.base_ci = undefined
  for (const key of ['l_registry', 'mainthread', 'closures', 'ids']) g[key] = undefined
  g.mt = []
}
