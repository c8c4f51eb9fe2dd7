// The shapes of fengari's objects the engine reads (fengari ships no types): a leaf module,
// so the guard runtime that patched fengari calls can name them without importing the facade.

/** A Lua value slot (fengari's TValue). */
export interface TValue {
  type: number
  value: unknown
}
/** A Lua string object (fengari's TString). */
export interface TString {
  realstring: Uint8Array
  hash: string | null
}
/** A Lua table (fengari's Table): entries in a Map keyed by hash, in insertion order. */
export interface LuaTable {
  strong: Map<unknown, { key: TValue; value: TValue }>
  /**
   * Deleted entries kept (by hash) until the next insertion, so `next` can continue a
   * traversal past a key set to nil. A string key's hash is a copy of the whole string.
   */
  dead_strong: Map<unknown, unknown>
  /** Entries in `dead_weak` (object keys deleted since the last insertion); a Polyhost patch. */
  dead_weak_n: number
  metatable: LuaTable | null
  /** Polyhost guard slot (see fengari-guards.ts). */
  polyhost: unknown
  /** C Lua's hash node count, and the nodes where their positions are kept (fengari-table-length.ts). */
  hn: number
  np: { k: unknown[]; v: Uint8Array } | undefined
}
export interface Proto {
  k: TValue[]
  p: Proto[]
  code: unknown[]
  lineinfo: number[]
  upvalues: { name: TString | null }[]
  /** Debug information: local variable names. */
  locvars: { varname: TString | null }[]
  /** The chunk name (for `load(s)` without a name: the whole source `s`). */
  source: TString | null
}
export interface LClosure {
  p: Proto
  nupvalues: number
  upvals: TValue[]
}
export interface CClosure {
  upvalue: TValue[]
}
export interface CallInfo {
  depth: number
  funcOff: number
  /** The stack slot of the function this frame runs. */
  func: TValue | null
  previous: CallInfo | null
  callstatus: number
  /** Tail calls this frame replaced, valid while `callstatus` has CIST_TAIL (fengari-traceback-patches.ts). */
  tailcalls: number
  /** A Lua frame's code and the index of its next instruction. */
  l_code: readonly { readonly opcode: number }[] | null
  l_savedpc: number
}
/** A Lua thread (fengari's lua_State). Fields listed are read by the guards and the memory walk. */
export interface LuaState {
  l_G: GlobalState
  stack: (TValue | undefined)[]
  top: number
  ci: CallInfo
  /** The first CallInfo of the thread (C calling its body). */
  base_ci: CallInfo
  status: number
  hookmask: number
  hookcount: number
  basehookcount: number
  /** Whether a resume gives the frames their C-call counts back (fengari-ccalls-patches.ts): 0 no, 1 once, 2 always. */
  keepCcalls: number
  hook: unknown
}
export interface GlobalState {
  l_registry: TValue
  mainthread: LuaState
  mt: (LuaTable | null | undefined)[]
  /** Next object id: what `tostring(t)` shows as the address. */
  id_counter: number
  /** Ids given to JS functions (light C functions) the first time they are printed. */
  ids: WeakMap<object, number>
  /** The closure cache (a Polyhost patch: per state, emptied for every execution). */
  closures: WeakMap<object, object>
}

/** A function callable from Lua: receives the state, returns the number of results. */
export type LuaCFunction = (L: LuaState) => number
/** A continuation for yields (`lua_yieldk`). */
export type LuaKFunction = (L: LuaState, status: number, ctx: unknown) => number
export type LuaHook = (L: LuaState, ar: unknown) => void
export type LuaString = Uint8Array
