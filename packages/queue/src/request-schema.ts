import { InvalidArgumentError, readingCaller } from '@polyhost/core'
import { z } from 'zod'

// globals and context are checked for shape only here: their depth at enqueue (value-depth.ts),
// the rest where the engine converts them
const record = z.custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'expected an object')

/** A record as value-codec.ts encodes it: V8 (base64) or plain JSON. */
const encodedRecord = z.union([z.string(), z.object({ j: record }).strict()])

/**
 * Limits are checked here for shape; their names and values are the host's to judge (core
 * refuses an unknown name with PolicyError). z.record drops a `__proto__` key, so that one
 * unknown name would vanish where every other is refused: the record is checked with z.record
 * but passed on as given, its keys copied as own data properties (as a spread copies them).
 */
const limitValues = z.record(z.string(), z.number().nonnegative())
const limits = z
  .custom<Record<string, number>>()
  .superRefine((v, ctx) => {
    const r = limitValues.safeParse(v)
    if (!r.success) for (const issue of r.error.issues) ctx.addIssue({ ...issue })
  })
  .transform((v) => ({ ...v }))

/** A script named by its registry id; without `version`, the latest at enqueue time. */
const refScript = z.object({ ref: z.string().min(1), version: z.number().int().positive().optional() }).strict()
/** A script carried in the job itself. */
const inlineScript = z.object({ language: z.string().min(1).optional(), source: z.string(), name: z.string().min(1).optional() }).strict()

/** What `queue.enqueue` and `queue.schedule` take. */
export const scriptRequestSchema = z
  .object({
    script: z.union([refScript, inlineScript]),
    globals: record.optional(),
    context: record.optional(),
    tenant: z.string().min(1).optional(),
    limits: limits.optional(),
  })
  .strict()

export type ScriptRequest = z.infer<typeof scriptRequestSchema>
export type ScriptSource = z.infer<typeof inlineScript>

/** The job's data in Redis: a pinned ref or inline source, values encoded (value-codec.ts). */
export const jobDataSchema = z
  .object({
    v: z.literal(1),
    script: z.union([refScript, inlineScript]),
    globals: encodedRecord.optional(),
    context: encodedRecord.optional(),
    tenant: z.string().min(1).optional(),
    limits: limits.optional(),
    /** Fair queues: the tenant key the job's priority was drawn for (fairness.ts). */
    fair: z.string().optional(),
    /** The enqueue span's context, when tracing records (telemetry.ts). */
    trace: z.object({ t: z.string(), s: z.string(), f: z.number() }).strict().optional(),
  })
  .strict()

export type JobData = z.infer<typeof jobDataSchema>

/**
 * Parses with `schema`, naming the first bad field in an InvalidArgumentError; a value that
 * cannot be read (a getter or Proxy trap that throws) is one too: `enqueue: the request could
 * not be read (…)`, `part` naming what was read.
 */
export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, what: string, part = 'the request'): T {
  const r = readingCaller(`${what}: ${part}`, () => schema.safeParse(value))
  if (r.success) return r.data
  const issue = r.error.issues[0]
  const field = issue?.path.join('.') || 'request'
  const msg =
    issue?.code === 'unrecognized_keys' ? `unknown field ${issue.keys.map((k) => `'${k}'`).join(', ')}` : (issue?.message ?? 'invalid')
  throw new InvalidArgumentError(`${what}: ${field}: ${msg}`)
}
