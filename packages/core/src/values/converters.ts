import { ConversionError, InvalidArgumentError, PolyhostError, sanitizeScriptMessage } from '../errors.js'
import { readingCaller } from '../reading-caller.js'

/**
 * A host type that crosses the boundary in a form of its own. `toScript` turns a host value
 * into a plain value (string, number, array, object...) the engine can carry; engines tag it
 * so that when the script hands it back unchanged, `fromScript` rebuilds the host value.
 */
export interface CustomType<T = unknown, S = unknown> {
  readonly name: string
  test(value: unknown): boolean
  toScript(value: T): S
  fromScript(value: S): T
}

/** `Date` crosses as an ISO string unless an engine has a native Date (QuickJS). */
export const dateType: CustomType<Date, string> = {
  name: 'Date',
  test: (v) => v instanceof Date,
  toScript: (d) => (Number.isNaN(d.getTime()) ? 'Invalid Date' : d.toISOString()),
  fromScript: (s) => new Date(s),
}

/**
 * Custom type registry (`host.converters`). Types are tried newest first. Engines get each type
 * behind a guard: a `fromScript` that throws is a ConversionError, as a throwing `toScript` is
 * (the caller's code failed on the script's data; the engine did not crash).
 */
export class ConverterRegistry {
  private readonly types: CustomType[] = []
  /** The registered type behind each guarded one (what `list` gives). */
  private readonly originals = new WeakMap<CustomType, CustomType>()
  version = 0
  /** Why `register` refuses every type (isolation 'worker'); undefined: it accepts them. */
  private refusal: string | undefined

  constructor(defaults: readonly CustomType[] = [dateType as CustomType], refusal?: string) {
    for (const t of defaults) this.register(t)
    this.refusal = refusal
  }

  /**
   * Each field is read once (an unreadable one: InvalidArgumentError), so what was checked is
   * what runs; the functions are called with the type as `this`.
   */
  register<T, S>(type: CustomType<T, S>): void {
    const original = type as CustomType
    const t = readingCaller('converters.register: the custom type', () => readType(original))
    if (this.refusal !== undefined) throw new InvalidArgumentError(`converters.register: custom type '${t.name}' ${this.refusal}`)
    if (this.get(t.name)) throw new InvalidArgumentError(`custom type '${t.name}' is already registered`)
    // Date's own fromScript cannot throw
    const g = original === dateType ? original : guarded(t)
    this.originals.set(g, original)
    this.types.unshift(g)
    this.version++
  }

  unregister(name: string): boolean {
    const i = this.types.findIndex((t) => t.name === name)
    if (i < 0) return false
    this.types.splice(i, 1)
    this.version++
    return true
  }

  /** The type of that name as engines use it (the guarded form `find` gives too). */
  get(name: string): CustomType | undefined {
    return this.types.find((t) => t.name === name)
  }

  /** The custom type that claims `value`, if any. Plain data is never tested. */
  find(value: unknown): CustomType | undefined {
    if (value === null || typeof value !== 'object') return undefined
    for (const t of this.types) if (t.test(value)) return t
    return undefined
  }

  /** The types as they were registered. */
  list(): readonly CustomType[] {
    return this.types.map((t) => this.originals.get(t) as CustomType)
  }
}

/** The fields of a custom type, each read once and checked; its functions bound to it. */
function readType(type: CustomType): CustomType {
  if (type === null || type === undefined) throw new InvalidArgumentError('custom type: name is required')
  const { name, test, toScript, fromScript } = type
  if (typeof name !== 'string' || !name) throw new InvalidArgumentError('custom type: name is required')
  const fns = { test, toScript, fromScript }
  for (const [key, fn] of Object.entries(fns)) {
    if (typeof fn !== 'function') throw new InvalidArgumentError(`custom type '${name}': ${key} must be a function`)
  }
  return { name, test: test.bind(type), toScript: toScript.bind(type), fromScript: fromScript.bind(type) }
}

/** `t` with a `fromScript` whose failure is a ConversionError (its message sanitised, as scripts may see it). */
function guarded(t: CustomType): CustomType {
  return {
    name: t.name,
    test: (v) => t.test(v),
    toScript: (v) => t.toScript(v),
    fromScript: (s) => {
      try {
        return t.fromScript(s)
      } catch (e) {
        if (e instanceof PolyhostError) throw e
        let text: string
        try {
          text = e instanceof Error ? e.message : String(e)
        } catch {
          text = 'it threw'
        }
        throw new ConversionError('$', `custom type '${t.name}': fromScript failed: ${sanitizeScriptMessage(text)}`)
      }
    },
  }
}
