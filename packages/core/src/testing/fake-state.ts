import type { EngineEnvironment } from '../contracts.js'
import { BridgeError, ConversionError, isFatal } from '../errors.js'
import type { Execution } from '../execution.js'
import type { StateFactory } from '../pool-types.js'
import { type FakeConverter, FFunction, FRecord, type FValue } from './fake-values.js'

/** One pooled fake VM: a shared baseline of builtins and bridges, and what is running on it. */
export interface FakeState {
  readonly id: number
  /** Builtins (`lib`) and bridge tables; scripts read them, their own globals live per execution. */
  readonly base: Map<string, FValue>
  /** The `lib` fields right after setup: reset restores them, validation compares. */
  readonly libBaseline: ReadonlyMap<string, FValue>
  /** Policy fingerprint the sandbox was built for. */
  readonly fingerprint: string
  bridgesVersion: number
  /** The execution running on this state (bridge functions call through it). */
  current: { readonly execution: Execution; readonly converter: FakeConverter } | undefined
  destroyed: boolean
}

/**
 * Creates, resets and validates fake states like a real engine: the sandbox follows the
 * policy in force (a state built for another policy fingerprint is not handed out again),
 * bridges are reinstalled when the registry changes, reset restores tampered builtins and
 * validation proves the baseline.
 */
export class FakeStateFactory implements StateFactory<FakeState> {
  private nextId = 1

  constructor(private readonly env: EngineEnvironment) {}

  create(): FakeState {
    const security = this.env.security
    const lib = new FRecord(
      new Map<string, FValue>([
        ['version', '1'],
        ['upper', new FFunction('lib.upper', ([s]) => (typeof s === 'string' ? s.toUpperCase() : null))],
      ]),
      security.policy.readOnlyBuiltins,
    )
    const state: FakeState = {
      id: this.nextId++,
      base: new Map<string, FValue>([['lib', lib]]),
      libBaseline: new Map(lib.fields),
      fingerprint: security.fingerprint,
      bridgesVersion: -1,
      current: undefined,
      destroyed: false,
    }
    this.installBridges(state)
    return state
  }

  checkout(state: FakeState): boolean {
    if (state.fingerprint !== this.env.security.fingerprint) return false
    if (state.bridgesVersion !== this.env.bridges.version) this.installBridges(state)
    return true
  }

  reset(state: FakeState): void {
    state.current = undefined
    const lib = state.base.get('lib')
    if (!(lib instanceof FRecord)) {
      state.base.set('lib', new FRecord(new Map(state.libBaseline)))
      return
    }
    lib.fields.clear()
    for (const [k, v] of state.libBaseline) lib.fields.set(k, v)
  }

  validate(state: FakeState): boolean {
    const lib = state.base.get('lib')
    if (state.destroyed || !(lib instanceof FRecord) || lib.fields.size !== state.libBaseline.size) return false
    for (const [k, v] of state.libBaseline) if (lib.fields.get(k) !== v) return false
    return true
  }

  destroy(state: FakeState): void {
    state.destroyed = true
    state.current = undefined
    state.base.clear()
  }

  // --- internal ---

  /** Bridge tables hold only the methods the policy allows; denied ones are absent. */
  private installBridges(state: FakeState): void {
    for (const [name, v] of [...state.base]) if (name !== 'lib' && v instanceof FRecord) state.base.delete(name)
    for (const m of this.env.bridges.visible(this.env.security)) {
      let table = state.base.get(m.bridge)
      if (!(table instanceof FRecord)) state.base.set(m.bridge, (table = new FRecord()))
      table.fields.set(m.method, new FFunction(m.path, (args) => callBridge(state, m.path, args)))
    }
    // scripts may not rewire bridges for later executions
    for (const [name, v] of state.base) if (name !== 'lib' && v instanceof FRecord) v.frozen = true
    state.bridgesVersion = this.env.bridges.version
  }
}

// --- internal ---

function callBridge(state: FakeState, path: string, args: FValue[]): FValue | Promise<FValue> {
  const current = state.current
  if (!current) throw new Error(`${path} called outside an execution`)
  const { execution, converter } = current
  // nil arguments are absent arguments, as in a language without undefined
  const out = execution.callBridge(
    path,
    args.map((a) => (a === null ? undefined : converter.toHost(a))),
  )
  // a result the script cannot receive is a bridge failure, as in the real engines
  const toVM = (v: unknown): FValue => {
    try {
      return converter.resultToVM(v)
    } catch (e) {
      // only a value the converter refuses; anything else (a host getter's own error) passes
      // through unsanitised as before: the fake leaves that for the kit's clauses to catch
      if (!(e instanceof ConversionError) || isFatal(e)) throw e
      const error = new BridgeError(`${path}: invalid return value: ${(e as ConversionError).message}`, path, { cause: e })
      execution.noteBridgeFailure(path, error)
      throw error
    }
  }
  return out instanceof Promise ? out.then(toVM) : toVM(out)
}
