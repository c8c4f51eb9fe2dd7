import { InvalidArgumentError, readingCaller } from '@polyhost/core'
import { limitValueProblem, MAX_NAME_LENGTH } from '@polyhost/core/engine'
import { z } from 'zod'

// globals and context are checked for shape only here: their depth at enqueue (value-depth.ts),
// the rest where the engine converts them
const record = z.custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'expected an object')

/** A record as value-codec.ts encodes it: V8 (base64) or plain JSON. */
const encodedRecord = z.union([z.string(), z.object({ j: record }).strict()])

/**
 * Limits are checked here by core's rule for values (a positive integer or false), so a value
 * no host takes is refused at enqueue; their names are the host's to judge (core refuses an
 * unknown name with PolicyError). The record is passed on as given, its keys copied as own
 * data properties (as a spread copies them), so an unknown `__proto__` is refused as any is.
 */
const limits = z
  .custom<Record<string, number | false>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'expected an object')
  .superRefine((v, ctx) => {
    for (const key of Object.keys(v)) {
      const problem = limitValueProblem(key, v[key])
      if (problem) ctx.addIssue({ code: 'custom', path: [key], message: problem })
    }
  })
  .transform((v) => ({ ...v }))

/** A registry version: 1, 2, … (a NaN, a fraction or a string is named as such). */
const notAVersion = (i: { input?: unknown }) => `must be a positive integer (a script version), received ${describeInput(i.input)}`
const version = z.number({ error: notAVersion }).int({ error: notAVersion }).positive({ error: notAVersion })
/** What a registry script id matches (script-registry.ts). */
export const SCRIPT_ID = /^[\w.-]{1,128}$/
// the id is not echoed: it may be as long as the caller's mistake
const scriptId = z.string().regex(SCRIPT_ID, { error: `a script id must match ${SCRIPT_ID}` })
/** A script named by its registry id; without `version`, the latest at enqueue time. */
const refScript = z.object({ ref: scriptId, version: version.optional() }).strict()
/**
 * A script's name for errors, by the rule every host applies to `execute({ name })`: a longer
 * one was taken at `enqueue` and `scripts.put`, and every job of it then failed on a worker.
 */
export const scriptName = z.string().min(1).max(MAX_NAME_LENGTH, `a script name is at most ${MAX_NAME_LENGTH} characters`)
/**
 * A script version's `author` at `scripts.put`: free text stored with the version and sent back
 * by every `get`, held to a name's length (a megabyte author was taken).
 */
export const scriptAuthor = z.string().max(MAX_NAME_LENGTH, `an author is at most ${MAX_NAME_LENGTH} characters`)
/** A script carried in the job itself. */
const inlineScript = z.object({ language: z.string().min(1).optional(), source: z.string(), name: scriptName.optional() }).strict()
/** Either form; a value that is neither reads as this message, one close to a form as that form's issue. */
const script = z.union([refScript, inlineScript], {
  error: 'expected { ref, version? } (a registered script) or { language?, source, name? }',
})

/** What `queue.enqueue` and `queue.schedule` take. */
export const scriptRequestSchema = z
  .object({
    script,
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
    script,
    globals: encodedRecord.optional(),
    context: encodedRecord.optional(),
    tenant: z.string().min(1).optional(),
    limits: limits.optional(),
    /** Fair queues: the tenant key the job's priority was drawn for (fairness.ts). */
    fair: z.string().optional(),
    /** An enqueue BullMQ may fold into an existing job: its mark, to tell whether it was (job-folds.ts). */
    n: z.string().optional(),
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
  const issue = r.error.issues[0] && closestIssue(r.error.issues[0])
  const field = issue?.path.join('.') || 'request'
  const msg =
    issue?.code === 'unrecognized_keys' ? `unknown field ${issue.keys.map((k) => `'${k}'`).join(', ')}` : (issue?.message ?? 'invalid')
  throw new InvalidArgumentError(`${what}: ${field}: ${msg}`)
}

// --- internal ---

type Issue = z.core.$ZodIssue

/**
 * For a value no branch of a union accepts, zod reports "Invalid input" for the union as a
 * whole. The value usually has the shape of one branch (an object with `ref` and a bad
 * `version`, an object backoff of an unknown type): that branch's issue names the field. A
 * branch that failed on the value's own type or keys is not the one meant; when every branch
 * did, the union's message stands (it says what is expected).
 */
function closestIssue(issue: Issue): Issue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue
  const meant = issue.errors.filter((branch) => branch.length > 0 && branch.every((i) => i.path.length > 0))
  const best = meant.sort((a, b) => a.length - b.length)[0]?.[0]
  return best ? closestIssue({ ...best, path: [...issue.path, ...best.path] }) : issue
}

function describeInput(v: unknown): string {
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v)
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v
}
