import type { ExecuteRequest, ExecutionCaller } from '@polyhost/core'
import { limitValueProblem } from '@polyhost/core/engine'
import { type JobData, jobDataSchema, parseOrThrow } from './request-schema.js'
import { decodeValue } from './value-codec.js'

/**
 * A job's data as the worker runs it, checked against {@link jobDataSchema}. Data that
 * `enqueue` wrote passes a plain check without the schema: zod tries the registry form of
 * `script` before the inline one and builds its issues for each inline job (3.5 KB per job, a
 * quarter of what the queue allocated beyond a BullMQ processor calling `host.execute`). The plain check accepts only what the
 * schema accepts; anything else (bad data added around the API, an unusual object) goes to
 * the schema, which stays the judge of every job it refuses and of its error message.
 */
export function readJobData(value: unknown, jobId: string): JobData {
  return plainJobData(value) ?? parseOrThrow(jobDataSchema, value, `job ${jobId}`)
}

/**
 * What `host.execute` runs for a job: its script, its decoded values, the job's signal, and
 * `caller`, what its bridge handlers see of the job (job-scope.ts).
 */
export function executeRequest(
  script: { language?: string; source: string; name?: string },
  data: JobData,
  signal: AbortSignal,
  caller?: ExecutionCaller,
): ExecuteRequest {
  const r: { -readonly [K in keyof ExecuteRequest]: ExecuteRequest[K] } = { source: script.source, signal }
  if (caller !== undefined) r.caller = caller
  if (script.language !== undefined) r.language = script.language
  if (script.name !== undefined) r.name = script.name
  if (data.globals !== undefined) r.globals = decodeValue(data.globals) as Record<string, unknown>
  if (data.context !== undefined) r.context = decodeValue(data.context) as Record<string, unknown>
  if (data.tenant !== undefined) r.tenant = data.tenant
  if (data.limits !== undefined) r.limits = data.limits
  return r
}

// --- internal ---

/** `value` itself when it is data of one of the shapes enqueue writes; otherwise undefined (exported for its test). */
export function plainJobData(value: unknown): JobData | undefined {
  if (!isJsonObject(value)) return undefined
  for (const key in value) if (!plainField(key, value[key])) return undefined
  return value.v === 1 && value.script !== undefined ? (value as unknown as JobData) : undefined
}

/** An object as JSON.parse makes it: the shapes the schema reads the same way as this check. */
function isJsonObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype
}

const nonEmpty = (v: unknown): boolean => typeof v === 'string' && v.length > 0

/**
 * The schema's fields and, for each, a test that passes a subset of what its schema passes
 * (an optional field is present here, so `undefined` is not its value). A switch, not a table
 * of closures: it runs for every field of every job.
 */
function plainField(key: string, v: unknown): boolean {
  switch (key) {
    case 'v':
      return v === 1
    case 'script':
      return isJsonObject(v) && (v.ref !== undefined ? refScript(v) : inlineScript(v))
    case 'globals':
    case 'context':
      return v !== undefined && encodedRecord(v)
    case 'tenant':
      return nonEmpty(v)
    case 'limits':
      return v !== undefined && limits(v)
    case 'fair':
    case 'n':
      return typeof v === 'string'
    case 'trace':
      return isJsonObject(v) && traceFields(v) && typeof v.t === 'string' && typeof v.s === 'string' && finite(v.f)
    default:
      return false
  }
}

function refScript(s: Record<string, unknown>): boolean {
  for (const key in s) if (key !== 'ref' && key !== 'version') return false
  return nonEmpty(s.ref) && (s.version === undefined ? !('version' in s) : isPositiveInteger(s.version))
}

function inlineScript(s: Record<string, unknown>): boolean {
  for (const key in s) if (key !== 'language' && key !== 'source' && key !== 'name') return false
  return (
    typeof s.source === 'string' &&
    (s.language === undefined ? !('language' in s) : nonEmpty(s.language)) &&
    (s.name === undefined ? !('name' in s) : nonEmpty(s.name))
  )
}

/** A record as value-codec.ts encodes it: V8 (base64) text, or `{ j: object }`. */
function encodedRecord(v: unknown): boolean {
  if (typeof v === 'string') return true
  if (!isJsonObject(v)) return false
  for (const key in v) if (key !== 'j') return false
  const j = v.j
  return typeof j === 'object' && j !== null && !Array.isArray(j)
}

function traceFields(v: Record<string, unknown>): boolean {
  for (const key in v) if (key !== 't' && key !== 's' && key !== 'f') return false
  return true
}

/** Limits of JSON shape, each value one a host takes (core judges names and how they combine). */
function limits(v: unknown): boolean {
  if (!isJsonObject(v)) return false
  for (const key in v) if (key === '__proto__' || !Object.hasOwn(v, key) || limitValueProblem(key, v[key]) !== undefined) return false
  return Object.getOwnPropertySymbols(v).length === 0
}

function finite(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v)
}

function isPositiveInteger(v: unknown): boolean {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0
}
