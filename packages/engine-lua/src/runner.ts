import {
  determinismOf,
  type Execution,
  type ExecutionRandom,
  type ExecutionRequest,
  type ExecutionResult,
  executionRandom,
  InvalidArgumentError,
  readFailure,
  ScriptRuntimeError,
} from '@polyhost/core/engine'
import type { LuaCompiler } from './compiler.js'
import type { LuaConverter } from './converter.js'
import { slot } from './converter.js'
import type { LuaState, LuaTable, Proto } from './fengari-api.js'
import { FROZEN } from './guard-runtime.js'
import type { LuaSandbox } from './lua-state.js'
import { addressBase } from './execution-random.js'
import { Meter } from './meter.js'
import type { AsyncOutcome, RunContext } from './run-context.js'
import { scriptRuntimeError } from './script-errors.js'
import { T_TABLE } from './value-tags.js'

/** What one run needs besides the state. */
export interface RunInput {
  readonly proto: Proto
  readonly name: string
  readonly compiler: LuaCompiler
  /** Yield to the event loop after this many ms of VM time (0: never). */
  readonly sliceMs?: number
  /** A call past the depth limit is a catchable "stack overflow" (`stackOverflow: 'error'`). */
  readonly depthError?: boolean
  /** `LuaEngineOptions.readOnlyError`. */
  readonly readOnlyError?: string | undefined
}

/**
 * Runs a compiled chunk on a leased state: a fresh `_ENV` (globals, frozen `context`,
 * per-run `package.loaded`) over the frozen base, a new thread with the metering hook, and
 * a resume loop that awaits async bridge calls between resumes. Returns the result, or
 * throws the execution's fatal error, a ScriptRuntimeError, or a ConversionError.
 * `state.run.nativeError` tells the caller to discard the state.
 */
export async function runScript(state: LuaSandbox, input: RunInput, request: ExecutionRequest): Promise<ExecutionResult> {
  const { f } = state
  const { lua } = f
  const { execution } = request
  const L = state.L
  const meter = new Meter(f, execution, { g: L.l_G, baseline: state.baseline, shared: input.compiler.shared }, input.depthError)
  meter.readOnlyError = input.readOnlyError
  const run = makeContext(state, request, meter)
  state.run = run
  // addresses (tostring) must not count what earlier executions on this state allocated
  L.l_G.id_counter = addressBase()
  L.l_G.ids = new WeakMap()
  // closures are reused only within the execution that made them
  L.l_G.closures = new WeakMap()
  meter.attach()
  try {
    let entries: [string, unknown][]
    try {
      entries = Object.entries(request.globals)
    } catch (e) {
      throw readFailure(e)
    }
    // globals add names, never replace a built-in (as in the JS engine)
    for (const [name] of entries) {
      if (state.isBuiltin(name)) throw new InvalidArgumentError(`execute: globals: '${name}' would replace a built-in global`)
    }
    lua.lua_settop(L, 0)
    state.pushNewEnv()
    const guard = state.converter.guard()
    for (const [name, value] of entries) {
      try {
        state.converter.pushGlobal(L, name, value, guard)
      } catch (e) {
        throw readFailure(e, `$.${name}`)
      }
      state.setGlobal(name)
    }
    state.converter.push(L, request.context, guard)
    freezeTree(slot(L, -1).value as LuaTable)
    state.setGlobal('context')
    state.sealEnv()
    const co = lua.lua_newthread(L)
    ;(run as { thread: LuaState }).thread = co
    // the script's thread is C Lua's main thread to it: the engine's yields keep its C-call counts
    co.keepCcalls = 2
    meter.hookThread(co, input.sliceMs ?? 0)
    input.compiler.instantiate(co, input.proto)
    lua.lua_pushvalue(L, 1)
    lua.lua_xmove(L, co, 1)
    lua.lua_setupvalue(co, -2, 1)

    for (;;) {
      const status = lua.lua_resume(co, L, 0)
      if (status === lua.LUA_YIELD && run.pending) {
        const pending = run.pending
        run.pending = undefined
        meter.detach()
        try {
          run.outcome = { ok: true, value: await pending }
        } catch (error) {
          run.outcome = { ok: false, error }
        }
        meter.attach()
        continue
      }
      if (status === lua.LUA_YIELD && meter.slices.takeRunnerYield()) {
        // the count hook yielded: let timers, I/O, other executions and aborts run
        meter.detach()
        await nextTurn()
        meter.attach()
        continue
      }
      if (execution.fatal) throw execution.fatal
      if (status === lua.LUA_YIELD) {
        throw new ScriptRuntimeError(`${input.name}: attempt to yield from outside a coroutine`, input.name)
      }
      // a script that overran its deadline in one long builtin and then failed ran out of
      // time first: the timeout is reported, as it is after a normal return (execution.result)
      if (status !== lua.LUA_OK) {
        const over = execution.overBudget(0)
        if (over) throw over
        const error = scriptRuntimeError(f, L, co, input.name, state.converter, meter)
        // the error value's __tostring may have run into a limit
        throw execution.fatal ?? execution.overBudget(0) ?? error
      }
      const n = lua.lua_gettop(co)
      // the returned values may lie above the frame's API slots (LUA_MINSTACK = 20): index 21 was "unacceptable"
      lua.lua_checkstack(co, 4)
      const values = new Array<unknown>(n)
      const guard = state.converter.guard()
      try {
        for (let i = 0; i < n; i++) values[i] = state.converter.read(co, i + 1, guard)
      } catch (e) {
        throw execution.overBudget(0) ?? e
      }
      meter.detach()
      return execution.result(n === 0 ? undefined : values[0], values)
    }
  } finally {
    meter.end()
    lua.lua_settop(L, 0)
  }
}

// --- internal ---

/** Resolves after the event loop's timers and I/O phases had a turn. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

function makeContext(state: LuaSandbox, request: ExecutionRequest, meter: Meter): RunContext {
  const { now, seed } = determinismOf(request.execution)
  return new LuaRun(request.execution, meter, state.converter, state.L, now, seed)
}

/**
 * One execution's RunContext. A class, not an object literal of closures: its methods live on
 * the prototype, and the random source is made on the first `math.random`/`math.randomseed`
 * (most scripts call neither): a run allocates two objects here instead of eight. Each run
 * still gets a source of its own, nothing shared with another run.
 */
class LuaRun implements RunContext {
  thread: LuaState
  readonly gc = { running: true, pause: 200, stepmul: 200 } // C Lua's LUAI_GCPAUSE, LUAI_GCMUL
  pending: Promise<unknown> | undefined = undefined
  outcome: AsyncOutcome | undefined = undefined
  nativeError: unknown = undefined
  private source: ExecutionRandom | undefined

  constructor(
    readonly execution: Execution,
    readonly meter: Meter,
    readonly converter: LuaConverter,
    thread: LuaState,
    private readonly frozenNow: number | undefined,
    private readonly seedWord: number | undefined,
  ) {
    this.thread = thread
  }

  random(): number {
    return this.generator().next()
  }

  seed(n: number): void {
    this.generator().seed(n)
  }

  now(): number {
    return this.frozenNow ?? Date.now()
  }

  private generator(): ExecutionRandom {
    this.source ??= executionRandom(this.seedWord)
    return this.source
  }
}

/** Makes a converted value read-only: every table in it refuses writes. */
function freezeTree(root: LuaTable): void {
  root.polyhost = FROZEN
  if (root.strong.size === 0) return
  const stack = [root]
  const seen = new Set<LuaTable>()
  while (stack.length) {
    const t = stack.pop() as LuaTable
    if (seen.has(t)) continue
    seen.add(t)
    t.polyhost = FROZEN
    for (const e of t.strong.values()) if ((e.value.type & 15) === T_TABLE) stack.push(e.value.value as LuaTable)
  }
}
