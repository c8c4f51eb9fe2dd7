import {
  engineScriptName,
  escapeRegExp,
  hasLoneSurrogate,
  InvalidArgumentError,
  LimitExceededError,
  ScriptSyntaxError,
} from '@polyhost/core/engine'
import { CompileMeter } from './compile-meter.js'
import type { Fengari, LClosure, LuaState, Proto } from './fengari-api.js'
import { slot } from './converter.js'
import { luaText } from './lua-strings.js'

const encoder = new TextEncoder()

/**
 * Parses Lua source once into a fengari prototype that any state can instantiate: the
 * compile cache stores the prototype, so pooled states never re-parse a cached script.
 * Prototypes are immutable once built (the closure cache in them is disabled by a guard),
 * so sharing them between states shares no script data.
 */
export class LuaCompiler {
  /** Host-compiled prototypes (and their nested ones): not charged to executions' memory. */
  readonly shared = new WeakSet<object>()
  private readonly L: LuaState

  /** `timeBudget`: milliseconds a compile may take (read per compile: the policy may change). */
  constructor(
    private readonly f: Fengari,
    private readonly timeBudget: () => number | false = () => false,
  ) {
    this.L = f.lauxlib.luaL_newstate()
  }

  /**
   * Parses `source` as chunk `name`; throws ScriptSyntaxError with the line, or
   * LimitExceededError('timeout') when parsing takes longer than the time budget.
   */
  compile(source: string, name: string): Proto {
    const { lua, lauxlib } = this.f
    const L = this.L
    lua.lua_settop(L, 0)
    const budget = this.timeBudget()
    const meter = budget === false ? null : new CompileMeter(this.f, budget)
    // Lua source is bytes: a lone surrogate has no UTF-8 form (TextEncoder would make it U+FFFD)
    if (hasLoneSurrogate(source)) throw new InvalidArgumentError(loneSurrogateText(source, name))
    const bytes = encoder.encode(source)
    const status = this.f.guards.isolated(meter, () => lauxlib.luaL_loadbufferx(L, bytes, null, chunkName(name), 't'), 1024)
    if (status !== lua.LUA_OK) {
      const raw = luaText(lua.lua_tolstring(L, -1))
      lua.lua_settop(L, 0)
      if (meter?.tripped !== undefined) throw new LimitExceededError('timeout', meter.tripped, meter.maxMs)
      throw syntaxError(raw, name)
    }
    const proto = (slot(L, -1).value as LClosure).p
    lua.lua_settop(L, 0)
    this.share(proto)
    return proto
  }

  /** Pushes a new closure of `proto` onto `L`, its `_ENV` upvalue still nil. */
  instantiate(L: LuaState, proto: Proto): void {
    const { lua, internal } = this.f
    const cl = new internal.LClosure(L, proto.upvalues.length)
    cl.p = proto
    internal.luaF_initupvals(L, cl)
    lua.lua_checkstack(L, 1)
    L.stack[L.top++] = new internal.TValue(internal.LUA_TLCL, cl)
  }

  close(): void {
    this.f.lua.lua_settop(this.L, 0)
  }

  // --- internal ---

  private share(p: Proto): void {
    this.shared.add(p)
    for (const inner of p.p) this.share(inner)
  }
}

/**
 * Host memory a compiled chunk keeps alive: fengari stores each instruction as an object with
 * its line (~130 bytes), each constant as a TValue (~40 bytes plus a string's bytes), each
 * prototype with its arrays (~300 bytes), next to the source text. Calibrated on 64 KB chunks
 * of straight-line code, table constructors and function definitions (measured 9–26 bytes of
 * heap per source byte); test/compile-cache.test.ts holds the cache's real heap to its budget.
 */
export function protoRetainedBytes(root: Proto, source: string): number {
  let bytes = source.length * 2
  const work: Proto[] = [root]
  for (let p = work.pop(); p !== undefined; p = work.pop()) {
    bytes += 300 + p.code.length * 130 + p.k.length * 40
    for (const k of p.k) {
      const v = k.value as { realstring?: Uint8Array } | null
      if (v && v.realstring instanceof Uint8Array) bytes += v.realstring.length
    }
    for (const inner of p.p) work.push(inner)
  }
  return bytes
}

/** `=name`: Lua uses the name verbatim in messages (`demo.lua:3: ...`), controls escaped (see engineScriptName). */
export function chunkName(name: string): string {
  return `=${engineScriptName(name)}`
}

/** The name as Lua's messages and tracebacks show it: luaO_chunkid keeps the first LUA_IDSIZE bytes. */
export function chunkId(name: string): string {
  return luaText(encoder.encode(engineScriptName(name)).subarray(0, CHUNK_ID_BYTES))
}

/** fengari's LUA_IDSIZE (59): the longest chunk id its messages hold. */
const CHUNK_ID_BYTES = 59

/** Builds a ScriptSyntaxError from fengari's `chunkid:line: message`, in the caller's name. */
export function syntaxError(raw: string, name: string): ScriptSyntaxError {
  const m = new RegExp(`^${escapeRegExp(chunkId(name))}:(\\d+): ([\\s\\S]*)$`).exec(raw)
  if (!m) return new ScriptSyntaxError(raw, name)
  return new ScriptSyntaxError(`${name}:${m[1]}: ${m[2]}`, name, Number(m[1]))
}

/** Where a source's first lone surrogate is, for its error. */
function loneSurrogateText(source: string, name: string): string {
  const at = source.search(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/)
  const unit = source.charCodeAt(at).toString(16).toUpperCase()
  return `${name}: the source holds a lone surrogate (U+${unit} at index ${at}), which has no UTF-8 form; Lua source is UTF-8 bytes`
}
