import type { z } from 'zod/v3'
import { describeValue, PolicyError } from './errors.js'
import { lazySchema, limitsSchema } from './limits.js'
import { PRESET_NAMES, type PresetName } from './presets.js'

/** The last millisecond a JavaScript `Date` can hold (ECMA-262 time values: ±8.64e15). */
export const MAX_DATE_MS = 8.64e15
/** `'*'`, `'kv.*'` or `'kv.get'`: a bare `'kv'` would silently match no method, so it is refused. */
const BRIDGE_PATTERN = /^(?:\*|[A-Za-z_][A-Za-z0-9_]*\.(?:\*|[A-Za-z_][A-Za-z0-9_]*))$/
/** What a host module may be called (`host.modules.register` checks names with it). */
export const MODULE_NAME = /^[A-Za-z_@][\w./@-]*$/
function buildPolicySchema(z: typeof import('zod/v3')['z']) {
  const name = z.string().min(1)
  const bridgePattern = z.string().regex(BRIDGE_PATTERN)
  /** `'*'` (every registered module) or a module name: anything else would match no module. */
  const modulePattern = z.string().refine((s) => s === '*' || MODULE_NAME.test(s))

  return z
    .object({
      preset: z.enum(PRESET_NAMES).default('standard'),
      libraries: z
        .object({ allow: z.array(name).optional(), deny: z.array(name).optional() })
        .strict()
        .optional(),
      bridges: z
        .object({ allow: z.array(bridgePattern).optional(), deny: z.array(bridgePattern).optional() })
        .strict()
        .optional(),
      modules: z
        .object({ allow: z.array(modulePattern).optional() })
        .strict()
        .optional(),
      globals: z.object({ protect: z.boolean().optional() }).strict().optional(),
      builtins: z.object({ readOnly: z.boolean().optional() }).strict().optional(),
      limits: limitsSchema().optional(),
      determinism: z
        .object({
          time: z.enum(['real', 'frozen']).optional(),
          /**
           * Epoch milliseconds of the frozen clock; defaults to the execution's start. At most
           * `MAX_DATE_MS`: past it a `Date` is invalid, so scripts would get no time at all.
           */
          now: z.number().int().nonnegative().max(MAX_DATE_MS).optional(),
          random: z.enum(['real', 'seeded']).optional(),
          seed: z.number().int().optional(),
        })
        .strict()
        .optional(),
    })
    .strict()
}

/** The shape of a security policy (every field but `preset` adjusts the preset); built on first use. */
export const securityPolicySchema: () => ReturnType<typeof buildPolicySchema> = lazySchema(buildPolicySchema)

/** A security policy as written by a host. */
export type SecurityPolicy = z.input<ReturnType<typeof securityPolicySchema>>
/** What `createHost({ policy })` accepts: a preset name or a full policy. */
export type PolicyInput = SecurityPolicy | (typeof PRESET_NAMES)[number]

/** Parses a policy, turning the first zod issue into a PolicyError naming its field. */
export function parsePolicy(input: unknown): z.output<ReturnType<typeof securityPolicySchema>> {
  // no policy, or a preset's name: what the schema makes of it, without loading it
  if (input === undefined || input === null) return { preset: 'standard' }
  if (typeof input === 'string' && (PRESET_NAMES as readonly string[]).includes(input)) return { preset: input as PresetName }
  const value = typeof input === 'string' ? { preset: input } : input
  const r = securityPolicySchema().safeParse(value)
  if (r.success) return r.data
  const issue = r.error.issues[0]
  const field = issue ? formatPath(issue.path) : ''
  if (field === 'preset') {
    throw new PolicyError(
      'preset',
      `unknown preset ${JSON.stringify(value && (value as { preset?: unknown }).preset)} (known: ${PRESET_NAMES.join(', ')})`,
    )
  }
  if (issue?.code === 'unrecognized_keys') {
    throw new PolicyError(field || 'policy', `unknown field ${issue.keys.map((k) => `'${k}'`).join(', ')}`)
  }
  if (field.startsWith('limits.')) {
    const key = String(issue?.path[1])
    const got = (value as { limits?: Record<string, unknown> }).limits?.[key]
    throw new PolicyError(field, `expected a positive integer or false, received ${describeValue(got)}`)
  }
  if (/^bridges\.(allow|deny)\[\d+\]$/.test(field)) {
    throw new PolicyError(field, "expected a bridge pattern: '*', 'name.*' or 'name.method'")
  }
  if (/^modules\.allow\[\d+\]$/.test(field)) {
    throw new PolicyError(field, "expected '*' or a module name (no other patterns: they would match no module)")
  }
  if (field === 'determinism.now') {
    const got = (value as { determinism?: { now?: unknown } }).determinism?.now
    throw new PolicyError(field, `expected epoch milliseconds, an integer from 0 to ${MAX_DATE_MS}, received ${describeValue(got)}`)
  }
  throw new PolicyError(field || 'policy', issue?.message ?? 'invalid policy')
}

/** `['libraries', 'allow', 2]` → `libraries.allow[2]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p)
  return out
}
