import type { Fengari, LuaState } from './fengari-api.js'
import type { GuardSink } from './guard-runtime.js'
import { errorFormat } from './lua-strings.js'

/**
 * Bounds the time one compile may take. Compiling happens before an execution exists (and
 * its result is cached for every later one), so the budget is the policy's `timeoutMs`.
 * The lexer reports a step per character and per token; every 1024 steps the clock is
 * read, and past the budget the parse is abandoned with a Lua error (`tripped` says so).
 * Memory is not charged: compiled prototypes are shared, not owned by an execution.
 */
export class CompileMeter implements GuardSink {
  /** Milliseconds used when the budget ran out; undefined while within it. */
  tripped: number | undefined
  private readonly started = performance.now()

  constructor(
    private readonly f: Fengari,
    readonly maxMs: number,
  ) {}

  steps(L: LuaState, _n: number): number {
    const used = performance.now() - this.started
    if (used > this.maxMs) {
      this.tripped = Math.round(used * 10) / 10
      this.raise(L, `compile time limit exceeded (${this.tripped} > ${this.maxMs})`)
    }
    return 1024
  }

  overflow(): void {}

  tooDeep(L: LuaState): never {
    return this.raise(L, 'chunk has too many nested calls')
  }

  switchTo(): void {}

  heavy(): void {}

  raise(L: LuaState, message: string): never {
    return this.f.internal.luaG_runerror(L, this.f.internal.to_luastring(errorFormat(message)))
  }
}
