import { createRequire } from 'node:module'
import type { z } from 'zod/v3'
import { describeValue, PolicyError } from './errors.js'

type ZodV3 = typeof import('zod/v3')
let zodModule: ZodV3 | undefined
/**
 * `zod/v3`, loaded on first use (synchronously: the checks that need it are synchronous):
 * a host on default options never needs a schema, and loading zod was ~20 ms of a cold start.
 */
export function zodV3(): ZodV3['z'] {
  zodModule ??= createRequire(import.meta.url)('zod/v3') as ZodV3
  return zodModule.z
}

/**
 * A schema built from `zod/v3` on its first use and kept: `const schema = lazySchema((z) => z.object(…))`,
 * then `schema()` wherever it is needed.
 */
export function lazySchema<T>(build: (z: ZodV3['z']) => T): () => T {
  let built: T | undefined
  return () => (built ??= build(zodV3()))
}

/**
 * The resource limits, as configured (`timeoutMs`) and as reported (`timeout`). `sourceBytes`
 * caps a script's source (UTF-8 bytes) before it is compiled; core checks it for every engine.
 */
export const LIMIT_KEYS = ['instructions', 'timeoutMs', 'memoryBytes', 'stackDepth', 'bridgeCalls', 'outputBytes', 'sourceBytes'] as const
export type LimitKey = (typeof LIMIT_KEYS)[number]

/** Name of a limit in `LimitExceededError.limit` and in engine capabilities. */
export type LimitName = 'instructions' | 'timeout' | 'memory' | 'stack' | 'bridgeCalls' | 'output' | 'source'

export const LIMIT_NAMES: Readonly<Record<LimitKey, LimitName>> = {
  instructions: 'instructions',
  timeoutMs: 'timeout',
  memoryBytes: 'memory',
  stackDepth: 'stack',
  bridgeCalls: 'bridgeCalls',
  outputBytes: 'output',
  sourceBytes: 'source',
}

/** The longest delay a Node timer holds (2^31 − 1 ms); a longer one silently fires after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1

function buildSchemas(z: ZodV3['z']) {
  /** A limit value: a positive integer, or `false` for "not limited" (only hosts may say so). */
  const limitValue = z.union([z.number().int().positive().max(Number.MAX_SAFE_INTEGER), z.literal(false)])
  const timeValue = z.union([z.number().int().positive().max(MAX_TIMER_MS), z.literal(false)])
  const limits = z
    .object({
      instructions: limitValue.optional(),
      timeoutMs: timeValue.optional(),
      memoryBytes: limitValue.optional(),
      stackDepth: limitValue.optional(),
      bridgeCalls: limitValue.optional(),
      outputBytes: limitValue.optional(),
      sourceBytes: limitValue.optional(),
    })
    .strict()
  return { limitValue, timeValue, limits }
}
const built = lazySchema(buildSchemas)

/** Partial limits as written by a host, a policy or a request (unknown keys are rejected); built on first use. */
export function limitsSchema(): ReturnType<typeof buildSchemas>['limits'] {
  return built().limits
}

export type Limits = z.infer<ReturnType<typeof limitsSchema>>
/** Every limit decided: a number, or `false` where the host chose not to limit. */
export type ResolvedLimits = { readonly [K in LimitKey]: number | false }

/**
 * Parses untrusted limit input, throwing a PolicyError that names the field
 * (`limits.timeoutMs: expected a positive integer or false`).
 */
export function parseLimits(input: unknown, field = 'limits'): Limits {
  // no limits given: what the schema makes of `{}`, without loading it
  if (input === undefined || input === null) return {}
  let r: ReturnType<ReturnType<typeof limitsSchema>['safeParse']>
  try {
    r = limitsSchema().safeParse(input)
  } catch (e) {
    // a getter that throws, a revoked Proxy: the caller's object, not a crash of the host
    throw new PolicyError(field, `could not be read (${e instanceof Error ? e.message : String(e)})`)
  }
  // the parsed copy: a getter is read once, so what is checked is what applies
  if (r.success) {
    // zod's strict object skips symbol keys: refuse them as unknown string keys are
    const symbols = Object.getOwnPropertySymbols(input ?? {}).filter((k) => Object.prototype.propertyIsEnumerable.call(input, k))
    if (symbols.length > 0) throw new PolicyError(field, `unknown limit ${symbols.map((k) => `'${k.toString()}'`).join(', ')}`)
    return r.data
  }
  const issue = r.error.issues[0]
  if (!issue || issue.path.length === 0) {
    const message =
      issue?.code === 'unrecognized_keys'
        ? `unknown limit ${issue.keys.map((k) => `'${k}'`).join(', ')} (known: ${LIMIT_KEYS.join(', ')})`
        : `expected an object of limits, received ${describeValue(input)}`
    throw new PolicyError(field, message)
  }
  const key = String(issue.path[0])
  throw new PolicyError(`${field}.${key}`, limitValueProblem(key, readField(input, key)) ?? 'invalid')
}

/**
 * Why `value` cannot be the limit `key`, or undefined when it can: a positive integer or
 * `false`, a timeout at most MAX_TIMER_MS. Any name is judged by the value rule alone (for a
 * producer that leaves names to the host that runs the script).
 */
export function limitValueProblem(key: string, value: unknown): string | undefined {
  const { timeValue, limitValue } = built()
  if ((key === 'timeoutMs' ? timeValue : limitValue).safeParse(value).success) return undefined
  if (key === 'timeoutMs' && typeof value === 'number' && Number.isInteger(value) && value > MAX_TIMER_MS) {
    return `at most ${MAX_TIMER_MS} ms (a longer timer overflows), received ${value}`
  }
  return `expected a positive integer or false, received ${describeValue(value)}`
}

/**
 * Applies a request's limits on top of `base`. A request may only tighten: asking for more
 * than `base` (or for `false` where `base` has a number) is a PolicyError, never ignored.
 */
export function tightenLimits(base: ResolvedLimits, request: unknown, field = 'limits', who = 'a request'): ResolvedLimits {
  const req = parseLimits(request, field)
  const out: Record<LimitKey, number | false> = { ...base }
  for (const key of LIMIT_KEYS) {
    const want = req[key]
    if (want === undefined) continue
    const have = base[key]
    if (have !== false && (want === false || want > have)) {
      const what = want === false ? `cannot remove the limit of ${have}` : `${want} exceeds ${have}`
      throw new PolicyError(`${field}.${key}`, `${who} may only tighten limits: ${what}`)
    }
    out[key] = want
  }
  return out
}

/** Replaces profile values with host-configured ones (hosts may loosen; requests may not). */
export function overrideLimits(base: ResolvedLimits, override: unknown, field = 'limits'): ResolvedLimits {
  const o = parseLimits(override, field)
  const out: Record<LimitKey, number | false> = { ...base }
  for (const key of LIMIT_KEYS) {
    const v = o[key]
    if (v !== undefined) out[key] = v
  }
  return out
}

/** A field of the caller's object for an error message; undefined when reading it throws. */
function readField(input: unknown, key: string): unknown {
  try {
    return (input as Record<string, unknown>)[key]
  } catch {
    return undefined
  }
}
