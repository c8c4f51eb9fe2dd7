import { createHash } from 'node:crypto'
import { PolicyError } from './errors.js'
import { FORBIDDEN, KNOWN_LIBRARIES, matchesPattern, STRICT_REFUSED } from './libraries.js'
import { overrideLimits, type ResolvedLimits, tightenLimits } from './limits.js'
import { parsePolicy, type PolicyInput } from './policy.js'
import { PRESETS, type PresetName } from './presets.js'

/** A policy with every decision made; what engines translate into their sandboxes. */
export interface ResolvedPolicy {
  readonly preset: PresetName
  /** Allowed engine-neutral library names (see `isAllowed` for dotted members). */
  readonly libraries: ReadonlySet<string>
  readonly denied: ReadonlySet<string>
  /** Bridge allowlist patterns; `null` means every registered bridge. */
  readonly bridgeAllow: readonly string[] | null
  readonly bridgeDeny: readonly string[]
  /** Module allowlist; `null` means every registered module (no list, or one with `'*'`). */
  readonly moduleAllow: readonly string[] | null
  readonly protectGlobals: boolean
  readonly readOnlyBuiltins: boolean
  readonly limits: ResolvedLimits
  readonly determinism: {
    readonly time: 'real' | 'frozen'
    readonly now: number | undefined
    readonly random: 'real' | 'seeded'
    readonly seed: number
  }
}

/**
 * Resolves a preset plus overrides into one policy, refuses contradictions with a
 * PolicyError naming the field, and answers what scripts may use.
 *
 * @example
 * const sm = SecurityManager.resolve({ preset: 'strict', bridges: { allow: ['kv.*'] } })
 * sm.isAllowed('eval')           // false
 * sm.isBridgeAllowed('kv.get')   // true
 * sm.limitsFor({ timeoutMs: 50 }) // tightened copy of the policy's limits
 */
export class SecurityManager {
  /** Stable hash of the resolved policy; part of every compile-cache key. */
  readonly fingerprint: string
  /** isAllowed's answers so far (the engines ask about their library tables' members). */
  private readonly decided = new Map<string, boolean>()

  private constructor(readonly policy: ResolvedPolicy) {
    this.fingerprint = fingerprintOf(policy)
  }

  /**
   * `hostLimits` (from `createHost({ limits })`) replace values of the preset's profile (a host
   * may loosen, or set `false` = not limited); the policy's `limits` may then only tighten.
   */
  static resolve(input: PolicyInput | undefined, hostLimits?: unknown): SecurityManager {
    const p = parsePolicy(input)
    const preset = PRESETS[p.preset]
    const allow = p.libraries?.allow ?? []
    const deny = p.libraries?.deny ?? []
    for (const [i, lib] of allow.entries()) checkLibrary(lib, `libraries.allow[${i}]`, p.preset)
    deny.forEach((lib, i) => {
      if (!KNOWN_LIBRARIES.has(lib)) throw unknownLibrary(lib, `libraries.deny[${i}]`)
      const j = allow.indexOf(lib)
      if (j >= 0) throw new PolicyError(`libraries.allow[${j}]`, `'${lib}' is both allowed and denied`)
    })
    const libraries = new Set([...preset.libraries, ...allow])
    for (const lib of deny) libraries.delete(lib)

    const strict = p.preset === 'strict'
    if (strict && p.globals?.protect === false) {
      throw new PolicyError('globals.protect', 'the strict preset protects globals; use preset standard to allow undeclared globals')
    }
    if (strict && p.builtins?.readOnly === false) {
      throw new PolicyError('builtins.readOnly', 'the strict preset keeps builtins read-only')
    }
    // host limits replace the preset's profile; the policy's own limits may only tighten that
    const base = overrideLimits(preset.limits, hostLimits, 'limits')
    const limits = tightenLimits(base, p.limits, 'limits', 'a policy')
    const d = p.determinism ?? {}
    if (d.time === 'real' && d.now !== undefined) {
      throw new PolicyError('determinism.now', "a frozen clock time needs determinism.time 'frozen' (or omit time)")
    }
    if (d.random === 'real' && d.seed !== undefined) {
      throw new PolicyError('determinism.seed', "a seed needs determinism.random 'seeded' (or omit random)")
    }
    return new SecurityManager({
      preset: p.preset,
      libraries,
      denied: new Set(deny),
      bridgeAllow: p.bridges?.allow ?? null,
      bridgeDeny: p.bridges?.deny ?? [],
      // '*' lets scripts load every registered module, as no allowlist does
      moduleAllow: p.modules?.allow?.includes('*') ? null : (p.modules?.allow ?? null),
      protectGlobals: p.globals?.protect ?? preset.protectGlobals,
      readOnlyBuiltins: p.builtins?.readOnly ?? preset.readOnlyBuiltins,
      limits,
      // giving `now` or `seed` asks for determinism even without naming the mode
      determinism: {
        time: d.time ?? (d.now !== undefined ? 'frozen' : 'real'),
        now: d.now,
        random: d.random ?? (d.seed !== undefined ? 'seeded' : 'real'),
        seed: d.seed ?? 0,
      },
    })
  }

  /**
   * Whether a library (or a member of one: `'string.format'`, `'os.time'`) is available.
   * A name the policy knows by itself (`'string.dump'`, `'io.write'`) is decided by itself;
   * any other member (`'string.format'`, `'io.open2'`) follows its nearest known parent, so
   * members of a forbidden library (`'io'`) stay unavailable. A parent the policy denies
   * denies all its members.
   */
  isAllowed(name: string): boolean {
    // the policy never changes: each name is decided once (a new Lua state asks ~150 times)
    let allowed = this.decided.get(name)
    if (allowed === undefined) {
      allowed = this.decide(name)
      if (this.decided.size < MAX_DECIDED) this.decided.set(name, allowed)
    }
    return allowed
  }

  /** Bridge method visibility, `path` as `'kv.get'`. Patterns: `'kv.*'`, `'http.get'`, `'*'`. */
  isBridgeAllowed(path: string): boolean {
    const { bridgeAllow, bridgeDeny } = this.policy
    if (bridgeDeny.some((p) => matchesPattern(path, p))) return false
    return bridgeAllow === null || bridgeAllow.some((p) => matchesPattern(path, p))
  }

  isModuleAllowed(name: string): boolean {
    const allow = this.policy.moduleAllow
    return allow === null || allow.includes(name)
  }

  /** The policy's limits tightened by a request's; loosening is a PolicyError. */
  limitsFor(request?: unknown): ResolvedLimits {
    return request === undefined ? this.policy.limits : tightenLimits(this.policy.limits, request, 'limits')
  }

  private decide(name: string): boolean {
    const { libraries, denied } = this.policy
    if (FORBIDDEN.has(name)) return false
    for (let n: string | undefined = name; n !== undefined; n = parentOf(n)) if (denied.has(n)) return false
    for (let n: string | undefined = name; n !== undefined; n = parentOf(n)) {
      if (libraries.has(n)) return true
      if (KNOWN_LIBRARIES.has(n)) return false
    }
    return false
  }
}

// --- internal ---

/** Answers isAllowed keeps; names past this many are decided each time. */
const MAX_DECIDED = 1024

function checkLibrary(lib: string, field: string, preset: PresetName): void {
  if (!KNOWN_LIBRARIES.has(lib)) throw unknownLibrary(lib, field)
  if (FORBIDDEN.has(lib)) throw new PolicyError(field, `'${lib}' reaches the host and can never be allowed`)
  if (preset === 'strict' && STRICT_REFUSED.has(lib)) {
    throw new PolicyError(field, `'${lib}' contradicts the strict preset (no dynamic code or introspection)`)
  }
}

function unknownLibrary(lib: string, field: string): PolicyError {
  return new PolicyError(field, `unknown library '${lib}' (known: ${[...KNOWN_LIBRARIES].join(', ')})`)
}

function parentOf(name: string): string | undefined {
  const dot = name.lastIndexOf('.')
  return dot < 0 ? undefined : name.slice(0, dot)
}

/** Order-insensitive where order means nothing, so equal policies share cache entries. */
function fingerprintOf(p: ResolvedPolicy): string {
  const sorted = (xs: Iterable<string> | null) => (xs === null ? null : [...new Set(xs)].sort())
  const canonical = JSON.stringify({
    ...p,
    libraries: sorted(p.libraries),
    denied: sorted(p.denied),
    bridgeAllow: sorted(p.bridgeAllow),
    bridgeDeny: sorted(p.bridgeDeny),
    moduleAllow: sorted(p.moduleAllow),
  })
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16)
}
