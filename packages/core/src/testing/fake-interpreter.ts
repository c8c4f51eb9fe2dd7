// Over 250 lines: one interpreter, FakeScript's statements and expressions and the metering they share.
import { determinismOf, type ExecutionDeterminism, type ExecutionRandom, executionRandom } from '../determinism.js'
import type { EngineCapabilities, EngineEnvironment } from '../contracts.js'
import { isFatal, sanitizeScriptMessage } from '../errors.js'
import type { Execution } from '../execution.js'
import { fitsInteger } from '../values/kinds.js'
import { type FakeProgram, type FakeStatement, parseFakeScript } from './fake-language.js'
import { display, type FakeConverter, FFunction, FList, FRecord, type FValue, kindOf, length, same, unwrap } from './fake-values.js'

/** An error the script raised or caused; the only kind `try` catches. */
export class FakeScriptError extends Error {
  constructor(
    message: string,
    readonly value: FValue,
    readonly line: number,
  ) {
    super(message)
  }
}

export interface InterpreterInit {
  readonly execution: Execution
  readonly env: EngineEnvironment
  readonly capabilities: EngineCapabilities
  readonly converter: FakeConverter
  readonly language: string
  /** This execution's globals: injected ones and whatever the script sets. Dies with it. */
  readonly scope: Map<string, FValue>
  /** The pooled state's shared baseline (builtins, bridges). */
  readonly base: ReadonlyMap<string, FValue>
}

/** Safety nets when the host runs without a stack or memory limit: the host stays contained. */
const HARD_MAX_STACK = 2_000
const HARD_MAX_MEMORY = 512 * 1024 * 1024
const CHUNK = 64 * 1024

/**
 * Runs FakeScript against one Execution: every step counts an instruction and checks the
 * deadline and fatal errors; the loop yields to the event loop now and then so timers and
 * cancellation can land. Errors the script may catch are FakeScriptErrors; limit trips and
 * cancellations are never caught.
 */
export class FakeInterpreter {
  private steps = 0
  private line = 0
  private allocated = 0
  private readonly heap: Uint8Array[] = []
  private readonly loaded = new Map<string, FValue>()

  private readonly determinism: ExecutionDeterminism
  private readonly random: ExecutionRandom

  constructor(private readonly init: InterpreterInit) {
    // the determinism every engine follows: core's seed rule, generator and frozen clock
    this.determinism = determinismOf(init.execution)
    this.random = executionRandom(this.determinism.seed)
  }

  /** Runs a program; returns the values of its `return` (none: `[]`). */
  async run(program: FakeProgram): Promise<FValue[]> {
    return (await this.block(program.statements)) ?? []
  }

  // --- internal ---

  private get ex(): Execution {
    return this.init.execution
  }

  private async block(statements: readonly FakeStatement[]): Promise<FValue[] | undefined> {
    for (const s of statements) {
      this.line = s.line
      const r = await this.stmt(s.op, s.args)
      if (r) return r
    }
    return undefined
  }

  private async nested(nodes: readonly unknown[]): Promise<FValue[] | undefined> {
    for (const node of nodes) {
      const [op, ...args] = node as [string, ...unknown[]]
      const r = await this.stmt(op, args)
      if (r) return r
    }
    return undefined
  }

  private async stmt(op: string, a: readonly unknown[]): Promise<FValue[] | undefined> {
    await this.tick()
    switch (op) {
      case 'return':
        return this.all(a)
      case 'set':
        this.init.scope.set(a[0] as string, await this.eval(a[1]))
        return undefined
      case 'setfield':
        this.setField(await this.eval(a[0]), await this.eval(a[1]), await this.eval(a[2]))
        return undefined
      case 'throw': {
        const v = await this.eval(a[0])
        throw new FakeScriptError(display(v), v, this.line)
      }
      case 'print':
        if (!this.init.env.security.isAllowed('print')) throw this.error('print is not available')
        this.ex.log('info', display(await this.eval(a[0])))
        return undefined
      case 'do':
        await this.eval(a[0])
        return undefined
      case 'loop':
        for (;;) {
          const r = await this.nested(a)
          if (r) return r
        }
      default: // 'try'
        try {
          return await this.nested(a)
        } catch (e) {
          if (!this.catchable(e)) throw e
          return undefined
        }
    }
  }

  private async eval(node: unknown): Promise<FValue> {
    await this.tick()
    if (node === null || typeof node === 'boolean' || typeof node === 'string') return node
    if (typeof node === 'number')
      return Number.isSafeInteger(node) && fitsInteger(node, this.init.capabilities.integerRange) ? BigInt(node) : node
    const [op, ...a] = node as [string, ...unknown[]]
    switch (op) {
      case 'num':
        return typeof a[0] === 'number' ? a[0] : Number(a[0])
      case 'bytes':
        return new Uint8Array(a as number[])
      case 'array':
        return new FList(await this.all(a))
      case 'object': {
        const r = new FRecord()
        for (let i = 0; i < a.length; i += 2) r.fields.set(a[i] as string, await this.eval(a[i + 1]))
        return r
      }
      case 'get':
        return this.lookup(a as [string, ...(string | number)[]], true)
      case 'has':
        return (await this.lookup(a as [string, ...(string | number)[]], false)) !== null
      case 'len':
        return BigInt(length(await this.eval(a[0]), (m) => this.error(m)))
      case 'call':
        return this.call(unwrap(await this.eval(a[0])), await this.all(a.slice(1)))
      case 'try':
        try {
          await this.eval(a[0])
          return 'no error'
        } catch (e) {
          if (!this.catchable(e)) throw e
          return (e as Error).message
        }
      case 'eq':
        return same(unwrap(await this.eval(a[0])), unwrap(await this.eval(a[1])))
      case 'and':
        for (const e of a) if ((await this.eval(e)) !== true) return false
        return true
      case 'kind':
        return kindOf(await this.eval(a[0]))
      case 'recurse':
        return this.recurse(Number(await this.eval(a[0])), 1)
      case 'alloc':
        return this.alloc(Number(await this.eval(a[0])))
      case 'random':
        return this.random.next()
      case 'now':
        // a float: epoch milliseconds lie outside the fake's integer range
        return this.determinism.now ?? Date.now()
      default: // 'require'
        return this.require(a[0] as string)
    }
  }

  private async all(nodes: readonly unknown[]): Promise<FValue[]> {
    const out: FValue[] = []
    for (const n of nodes) out.push(await this.eval(n))
    return out
  }

  private async tick(): Promise<void> {
    const ex = this.ex
    ex.check()
    ex.instructions = ++this.steps
    const max = this.limit('instructions')
    if (max !== false && this.steps > max) throw ex.trip('instructions', this.steps)
    // a synchronous-looking loop must still let timers and the caller's abort land
    if (this.steps % 1024 === 0) await new Promise<void>((r) => setImmediate(r))
  }

  private limit(key: 'instructions' | 'memoryBytes' | 'stackDepth'): number | false {
    const name = key === 'instructions' ? 'instructions' : key === 'memoryBytes' ? 'memory' : 'stack'
    return this.init.capabilities.limits[name] === 'none' ? false : this.ex.limits[key]
  }

  private async lookup([name, ...keys]: [string, ...(string | number)[]], strict: boolean): Promise<FValue> {
    const { scope, base } = this.init
    let v: FValue = scope.has(name) ? (scope.get(name) as FValue) : (base.get(name) ?? null)
    for (const key of keys) {
      v = unwrap(v)
      if (v instanceof FRecord) v = v.fields.get(String(key)) ?? null
      else if (v instanceof FList) v = typeof key === 'number' ? (v.items[key] ?? null) : null
      else if (!strict) return null
      else throw this.error(`attempt to index a ${kindOf(v)} value (key '${key}')`)
    }
    return v
  }

  private setField(target: FValue, key: FValue, value: FValue): void {
    const t = unwrap(target)
    if (!(t instanceof FRecord || t instanceof FList)) throw this.error(`attempt to index a ${kindOf(t)} value`)
    if (t.frozen) throw this.error('attempt to modify a read-only table')
    if (t instanceof FRecord) t.fields.set(display(key), value)
    else t.items[Number(key)] = value
  }

  private async call(fn: FValue, args: FValue[]): Promise<FValue> {
    if (!(fn instanceof FFunction)) throw this.error(`attempt to call a ${kindOf(fn)} value`)
    try {
      const out = fn.call(args)
      if (!(out instanceof Promise)) return out
      if (!this.init.capabilities.asyncBridges) {
        out.catch(() => undefined)
        throw this.error(`${fn.name}: asynchronous results are not supported by this engine`)
      }
      return await this.ex.race(out)
    } catch (e) {
      if (this.ex.fatal) throw this.ex.fatal
      if (isFatal(e) || e instanceof FakeScriptError) throw e
      throw this.error(sanitizeScriptMessage(e instanceof Error ? e.message : String(e)))
    }
  }

  private async recurse(n: number, level: number): Promise<FValue> {
    const max = Math.min(this.limit('stackDepth') || HARD_MAX_STACK, HARD_MAX_STACK)
    if (level > max) throw this.ex.trip('stack', level, max)
    await this.tick()
    return n >= 0 && level >= n ? BigInt(level) : this.recurse(n, level + 1)
  }

  private async alloc(bytes: number): Promise<FValue> {
    const max = Math.min(this.limit('memoryBytes') || HARD_MAX_MEMORY, HARD_MAX_MEMORY)
    for (let left = Math.max(0, Math.floor(bytes)); left > 0; left -= CHUNK) {
      const n = Math.min(left, CHUNK)
      // account before allocating: the host never holds more than the limit allows
      this.allocated += n
      if (this.allocated > max) throw this.ex.trip('memory', this.allocated)
      this.ex.memoryBytes = Math.max(this.ex.memoryBytes, this.allocated)
      this.heap.push(new Uint8Array(n))
      await this.tick()
    }
    return true
  }

  private async require(name: string): Promise<FValue> {
    const { env, capabilities, language } = this.init
    if (!capabilities.modules || !env.security.isAllowed('require')) throw this.error('require is not available')
    if (this.loaded.has(name)) return this.loaded.get(name) as FValue
    const def = env.security.isModuleAllowed(name) ? env.modules.get(name, language) : undefined
    if (!def) throw this.error(`module '${name}' not found`)
    const line = this.line
    let values: FValue[] | undefined
    try {
      values = await this.block(parseFakeScript(def.source, name).statements)
    } catch (e) {
      if (e instanceof FakeScriptError || isFatal(e) || this.ex.fatal) throw e
      throw this.error(`module '${name}': ${(e as Error).message}`)
    } finally {
      this.line = line
    }
    const v = values?.[0] ?? null
    this.loaded.set(name, v)
    return v
  }

  private catchable(e: unknown): boolean {
    return e instanceof FakeScriptError && this.ex.fatal === undefined
  }

  private error(message: string): FakeScriptError {
    return new FakeScriptError(message, message, this.line)
  }
}
