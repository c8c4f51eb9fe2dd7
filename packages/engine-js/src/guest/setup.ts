// Over 250 lines: one closure — every helper shares the intrinsics captured before lockdown.
/**
 * The guest half of the sandbox: this function never runs on the host. Its source text
 * (`guestSetup.toString()`, see guest-setup.ts) is evaluated in each QuickJS context, so it
 * is written as plain ES2022 that the compiler only strips of types; it must not refer to
 * anything outside itself but its parameters and the helpers the setup script defines
 * beside it (`discoverIntrinsics`, `boundArrayBuiltins`, `boundStringSearch`, `guestConversions`,
 * `guestLockdown`).
 * Kept as real source so that the type checker and the linter read it.
 */

// biome-ignore-all lint/suspicious/noExplicitAny: guest values are whatever a script makes
// biome-ignore-all lint/complexity/noArguments: the logger reads `arguments` (no rest array per call)
// biome-ignore-all lint/style/noParameterAssign: the hash mixes in place
// biome-ignore-all lint/complexity/useArrowFunction: guest functions keep their kind (names, constructibility, `this`)

/** Defined beside the setup by GUEST_INTRINSICS (guest-intrinsics.ts). */
declare function discoverIntrinsics(
  G: any,
  indirectEval: (code: string) => unknown,
  known: readonly string[],
): { found: any[] | undefined; probes: (() => unknown)[]; signature: string; full: number; extra: number }
/** Defined beside the setup by GUEST_WRAPPING (guest-setup.ts): what every `bound*` function below replaces builtins with. */
declare function builtinWrapping(): Wrapping
interface Wrapping {
  callOf: (f: (...args: any[]) => any) => (self: any, ...args: any[]) => any
  wrap: (o: object, key: PropertyKey, make: (original: (...args: any[]) => any) => (...args: any[]) => any) => void
  originalOf: <F extends (...args: any[]) => any>(f: F) => F
}
type Charge = (work: number) => void
type Afford = (ms: number) => boolean
type IsScriptProxy = (o: unknown) => boolean
/** Defined beside the setup by GUEST_ARRAY_BOUNDS (guest-array-bounds.ts). */
declare function boundArrayBuiltins(G: any, cap: number, charge: Charge, w: Wrapping): (length: number) => void
/** Defined beside the setup by GUEST_BIGINT_TEXT (guest-bigint-text.ts). */
declare function boundBigIntText(G: any, charge: Charge, afford: Afford, w: Wrapping): void
/** Defined beside the setup by GUEST_NUMBER_TEXT (guest-number-text.ts). */
declare function boundNumberText(
  G: any,
  charge: Charge,
  formatCost: (n: number) => number,
  checkLength: (length: number) => void,
  w: Wrapping,
): { isScriptProxy: IsScriptProxy; settled(): void }
/** Defined beside the setup by GUEST_HEAVY_BUILTINS (guest-heavy-builtins.ts). */
declare function boundHeavyBuiltins(G: any, charge: Charge, afford: Afford, w: Wrapping, isProxy: IsScriptProxy, fits: Afford): void
/** Defined beside the setup by GUEST_COPYING_BUILTINS (guest-copying-builtins.ts). */
declare function boundCopyingBuiltins(G: any, charge: Charge, isScriptProxy: IsScriptProxy, w: Wrapping): void
/** Defined beside the setup by GUEST_UNICODE_TEXT (guest-unicode-text.ts). */
declare function boundUnicodeText(G: any, charge: Charge, afford: Afford, w: Wrapping): void
/** Defined beside the setup by GUEST_OBJECT_WALKS (guest-object-walks.ts). */
declare function boundObjectWalks(G: any, charge: Charge, w: Wrapping): void
/** Defined beside the setup by GUEST_STRING_SEARCH (guest-string-search.ts). */
declare function boundStringSearch(G: any, charge: Charge, afford: Afford, fits: Afford, w: Wrapping): void
/** Defined beside the setup from convert.ts and lockdown.ts. */
declare const guestConversions: typeof import('./convert.js').guestConversions
declare const guestLockdown: typeof import('./lockdown.js').guestLockdown

type HostLog = (level: string, line: string) => void

export function guestSetup(
  configJson: string,
  hostLog: HostLog,
  hostEntropy: () => number,
  hostPoll: (ms?: number) => number | undefined,
  hostFits: (ms: number) => number,
) {
  const G: any = globalThis
  const cfg = JSON.parse(configJson)
  // Builtins that walk a whole input are one tick each, however long: they charge their work
  // here, and every WORK_PER_CHECK units the host makes the next call or branch check the
  // deadline (guest-heavy-builtins.ts)
  const WORK_PER_CHECK = 1 << 20
  let work = 0
  const charge = (n: number) => {
    work += n
    if (work >= WORK_PER_CHECK) {
      work = 0
      hostPoll()
    }
  }
  // What QuickJS's shortest round-trip formatting of a number costs, in the units of `charge`
  // (about a nanosecond): measured 0.2-0.3 µs for an int32, 1-3 µs for a double from 1e-7 up
  // to 1e10, up to 7 µs below 1e21 and up to 73 µs beyond (subnormals the most)
  const formatCost = (v: number): number => {
    if (v === (v | 0)) return 300
    const a = v < 0 ? -v : v
    return a >= 1e-7 && a < 1e10 ? 3000 : a >= 1e10 && a < 1e21 ? 8000 : 75000
  }
  // the conversions' own JSON.stringify: they count what a result's numbers cost themselves
  const nativeStringify = JSON.stringify
  // the searches first: the array-length check then wraps them too
  // one wrap for all of them, made before any builtin is replaced (guest-setup.ts)
  const wrapping = builtinWrapping()
  // a builtin call no check can stop is refused when it cannot finish in the time left: the
  // host records the timeout and answers 0 (guest-unicode-text.ts)
  const afford = (ms: number) => hostPoll(ms) !== 0
  // only asks whether that much work fits in the time left: nothing is recorded
  const fits = (ms: number) => hostFits(ms) !== 0
  boundStringSearch(G, charge, afford, fits, wrapping)
  // before the Array wrappers: it captures the builtin join and reverse
  boundBigIntText(G, charge, afford, wrapping)
  const checkLength = boundArrayBuiltins(G, cfg.arrayCap, charge, wrapping)
  const proxies = boundNumberText(G, charge, formatCost, checkLength, wrapping)
  boundHeavyBuiltins(G, charge, afford, wrapping, proxies.isScriptProxy, fits)
  boundCopyingBuiltins(G, charge, proxies.isScriptProxy, wrapping)
  boundUnicodeText(G, charge, afford, wrapping)
  boundObjectWalks(G, charge, wrapping)
  // called by name other than eval: an indirect eval, at global scope
  const indirectEval = G.eval
  // first, while nothing has changed the realm: every object it shares (see guest-intrinsics)
  const intrinsics = discoverIntrinsics(G, indirectEval, cfg.knownRealms || [])
  const conversions = guestConversions(G, formatCost, nativeStringify, wrapping.originalOf)
  const protect = cfg.protectGlobals === true
  const { state: locked, lockdown, check, restore } = guestLockdown(G, intrinsics, protect, wrapping.originalOf)
  const preventExtensions = Object.preventExtensions
  const { freeze, isFrozen, isExtensible, getPrototypeOf, setPrototypeOf, defineProperty, getOwnPropertyDescriptor } = Object
  const objectKeys = Object.keys
  const ownKeys = Reflect.ownKeys,
    apply = Reflect.apply,
    construct = Reflect.construct
  const parse = JSON.parse,
    stringify = JSON.stringify
  const StringOf = String,
    imul = Math.imul
  const ObjectProto = Object.prototype,
    FunctionProto = Function.prototype
  const ErrorProto = Error.prototype,
    isProtoOf = ObjectProto.isPrototypeOf
  const RealDate = Date,
    DateProto = Date.prototype,
    dateString = DateProto.toString
  const setHas = Set.prototype.has
  const define = (o: any, k: PropertyKey, value: unknown) =>
    defineProperty(o, k, { value, writable: true, enumerable: false, configurable: true })

  // --- determinism ---
  let frozenNow = 0
  if (cfg.time === 'frozen') {
    // A Proxy with the real Date's shape: its target a bound Date whose own properties are
    // made again in the real constructor's order and with its attributes (length 7, name,
    // now, parse, UTC, prototype), so keys, descriptors, prototype and text read as the real
    // one's; calls and constructions with no arguments see the frozen time
    const shape: any = apply(FunctionProto.bind, RealDate, [undefined])
    for (const k of ownKeys(shape)) delete shape[k]
    for (const k of ownKeys(RealDate)) {
      const d: any = getOwnPropertyDescriptor(RealDate, k)
      if (k === 'now')
        d.value = {
          now() {
            return frozenNow
          },
        }.now
      defineProperty(shape, k, d)
    }
    const FrozenDate: any = new Proxy(shape, {
      apply() {
        return apply(dateString, new RealDate(frozenNow), [])
      },
      construct(_target: unknown, args: any[], newTarget: any) {
        return construct(RealDate, args.length === 0 ? [frozenNow] : args, newTarget === FrozenDate ? RealDate : newTarget)
      },
    })
    define(DateProto, 'constructor', FrozenDate)
    define(G, 'Date', FrozenDate)
  }
  // Math.random never runs on QuickJS's own generator: its state lives in the context and
  // would carry from one execution (tenant) to the next. Seeded: mulberry32 from the
  // policy's seed. Otherwise sfc32, its whole state derived from 53 bits of the platform
  // CSPRNG (hostEntropy) at the first draw of every execution: begin only marks it stale,
  // so executions that never draw pay nothing.
  let rng = 0,
    s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0,
    stale = true
  if (cfg.random === 'seeded') {
    // methods, as the builtin: not constructors, no prototype property
    define(
      Math,
      'random',
      {
        random() {
          rng = (rng + 0x6d2b79f5) | 0
          let t = imul(rng ^ (rng >>> 15), rng | 1)
          t ^= t + imul(t ^ (t >>> 7), t | 61)
          return ((t ^ (t >>> 14)) >>> 0) / 4294967296
        },
      }.random,
    )
  } else {
    const next32 = () => {
      const t = (((s0 + s1) | 0) + s3) | 0
      s3 = (s3 + 1) | 0
      s0 = s1 ^ (s1 >>> 9)
      s1 = (s2 + (s2 << 3)) | 0
      s2 = (s2 << 21) | (s2 >>> 11)
      s2 = (s2 + t) | 0
      return t >>> 0
    }
    // 53 random bits, like QuickJS's own
    define(
      Math,
      'random',
      {
        random() {
          if (stale) {
            reseed(hostEntropy())
            stale = false
          }
          return ((next32() >>> 5) * 67108864 + (next32() >>> 6)) / 9007199254740992
        },
      }.random,
    )
  }
  // murmur3's finalizer: each state word a different hash of the 53-bit seed
  const mix = (h: number) => {
    h = imul(h ^ (h >>> 16), 0x85ebca6b)
    h = imul(h ^ (h >>> 13), 0xc2b2ae35)
    return h ^ (h >>> 16)
  }
  const reseed = (x: number) => {
    const lo = x >>> 0,
      hi = (x / 4294967296) >>> 0
    s0 = mix(lo)
    s1 = mix(hi ^ 0x9e3779b9)
    s2 = mix(lo ^ 0x7f4a7c15)
    s3 = mix((hi + 0x632be5ab) | 0)
  }
  if (cfg.noRandom) delete (Math as any).random

  // --- dynamic code ---
  if (cfg.noEval) {
    const protos = [
      FunctionProto,
      getPrototypeOf(async function () {}),
      getPrototypeOf(function* () {}),
      getPrototypeOf(async function* () {}),
    ]
    for (const proto of protos) {
      const name = proto.constructor.name
      const tamed = function () {
        throw new TypeError(name + ' constructor is disabled by the security policy')
      }
      defineProperty(tamed, 'name', { value: name })
      ;(tamed as any).prototype = proto
      define(proto, 'constructor', tamed)
    }
    define(G, 'Function', FunctionProto.constructor)
    delete G.eval
  }
  for (const name of cfg.remove) delete G[name]

  // --- console / print ---
  // a BigInt prints in decimal while that is quick, else in hexadecimal (QuickJS's decimal
  // conversion is quadratic and never interrupted: guest/convert.ts)
  const { textOf } = conversions
  const show = (v: unknown) => {
    if (typeof v === 'string') return v
    try {
      if (v !== null && typeof v === 'object') {
        if (apply(isProtoOf, ErrorProto, [v])) return StringOf((v as any).name) + ': ' + StringOf((v as any).message)
        const s = stringify(v, (_k, x) => (typeof x === 'bigint' ? textOf(x) + 'n' : x))
        if (s !== undefined) return s
      }
      return textOf(v)
    } catch {
      return '[unprintable]'
    }
  }
  const logger = (level: string) =>
    function () {
      let line = ''
      for (let i = 0; i < arguments.length; i++) line += (i ? ' ' : '') + show(arguments[i])
      hostLog(level, line)
    }
  if (cfg.console) {
    define(G, 'console', {
      log: logger('info'),
      info: logger('info'),
      debug: logger('debug'),
      warn: logger('warn'),
      error: logger('error'),
      trace: logger('debug'),
    })
  }
  if (cfg.print) define(G, 'print', logger('info'))

  // --- per-execution context ---
  const empty = freeze({})
  let current: unknown = empty
  defineProperty(G, 'context', {
    get: function context() {
      return current
    },
    enumerable: false,
    configurable: true,
  })
  // as core's deepFreeze: a byte array cannot be frozen (its elements stay writable; QuickJS
  // threw `invalid descriptor flags`), and each execution gets its own copy of the bytes
  const isView = ArrayBuffer.isView
  // a walk with its own list, not recursion: the context may be maxDepth (up to 1,000) deep, and
  // guest frames would count against the script's stack limit; context is data (no getters)
  const deepFreeze = (root: any): any => {
    const todo: any[] = [root]
    let n = 1
    while (n > 0) {
      const v = todo[--n]
      if (v !== null && typeof v === 'object' && !isFrozen(v) && !isView(v)) {
        freeze(v)
        for (const k of objectKeys(v)) todo[n++] = v[k]
      }
    }
    return root
  }

  // Globals were checked against the baseline by the host; values may be JSON text. They
  // become the per-execution scope object between the global object and the baseline, so
  // installing them costs no property definitions and reset drops them with one call.
  const begin = (globals: unknown, ctx: unknown, now: number | undefined, seed: number | undefined) => {
    if (now !== undefined) frozenNow = now
    if (seed !== undefined) rng = seed | 0
    stale = true
    work = 0
    // the state's last run may have been an inert expression, whose reset the host skips
    // (inert-expression.ts): its context and scope of globals go first, so that they are
    // freed before this run's are made (its tags stay, on values no later run can reach; the
    // host tags this run's values before this begin)
    current = empty
    if (getPrototypeOf(G) !== locked.baseProto) setPrototypeOf(G, locked.baseProto as object)
    if (ctx !== undefined) current = deepFreeze(typeof ctx === 'string' ? parse(ctx) : ctx)
    if (globals === undefined) return
    const scope = typeof globals === 'string' ? parse(globals) : globals
    setPrototypeOf(scope, locked.baseProto as object)
    // globals.protect: nor can a script add a global to the scope (the global object's prototype)
    if (protect) preventExtensions(scope)
    setPrototypeOf(G, scope)
  }

  proxies.settled()
  return freeze({
    lockdown,
    check,
    install(name: string, value: object) {
      defineProperty(G, name, { value: freeze(value), writable: false, enumerable: false, configurable: true })
    },
    begin,
    // body: the script's source (evaluated as global code) or its compiled expression
    run(globals: unknown, ctx: unknown, now: number | undefined, seed: number | undefined, body: string | (() => unknown)) {
      begin(globals, ctx, now, seed)
      return typeof body === 'string' ? indirectEval(body) : body()
    },
    freeze(v: object) {
      return freeze(v)
    },
    intrinsicsJson() {
      return stringify({ signature: intrinsics.signature, full: intrinsics.full, extra: intrinsics.extra })
    },
    baselineJson() {
      return stringify([...ownKeys(G), ...ownKeys(locked.baseProto as object)].filter((k) => typeof k === 'string'))
    },
    reset() {
      current = empty
      conversions.untag()
      // undefined, NaN and Infinity: a script can give them new values (guest/lockdown.ts)
      let clean = restore()
      if (getPrototypeOf(G) !== locked.baseProto) {
        try {
          setPrototypeOf(G, locked.baseProto as object)
        } catch {
          clean = false
        }
      }
      // baseline globals cannot be deleted, so an unchanged count means nothing was added
      const keys = ownKeys(G)
      if (keys.length !== (locked.baseline as Set<PropertyKey>).size) {
        for (const k of keys) {
          if (apply(setHas, locked.baseline, [k])) continue
          try {
            if (!delete G[k]) clean = false
          } catch {
            clean = false
          }
        }
        clean = clean && ownKeys(G).length === (locked.baseline as Set<PropertyKey>).size
      }
      return clean && isExtensible(G)
    },
    ...conversions.helpers,
  })
}
