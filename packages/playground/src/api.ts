import {
  buildTypingsModel,
  EngineNotFoundError,
  type Host,
  type HostStats,
  InvalidArgumentError,
  LimitExceededError,
  PolicyError,
  PolyhostError,
  PoolExhaustedError,
  ScriptRuntimeError,
  ScriptSyntaxError,
  TYPINGS_LANGUAGES,
} from '@polyhost/core'
import { z } from 'zod'
import { HttpError } from './http-io.js'
import { type PlaygroundHosts, PRESETS, type Preset } from './hosts.js'
import { toJsonValue } from './json-value.js'
import { type Observers, observedExecute } from './metrics/instrument.js'
import { withLogSlot } from './run-logs.js'

// limits are checked by the host: a request may only tighten them (PolicyError → 400). Passed
// on as parsed, not copied: a copy would drop an own `__proto__` key, which the host refuses
// as it refuses any unknown limit name (and a global named `__proto__`: globals and context
// are passed on as parsed too; a zod record made such a key the copy's prototype, silently)
const objectShape = z.custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'expected an object')
const scriptShape = {
  language: z.string().min(1, 'language is required'),
  source: z.string(),
  name: z.string().min(1).max(200).optional(),
  policy: z.enum(PRESETS).optional(),
}
const executeSchema = z
  .object({
    ...scriptShape,
    globals: objectShape.optional(),
    context: objectShape.optional(),
    limits: objectShape.optional(),
  })
  .strict()
const checkSchema = z.object(scriptShape).strict()

/** What the API answers for a script that failed: its error, as the page shows it. */
export interface ScriptFailure {
  readonly name: string
  readonly code: string
  readonly message: string
  readonly line?: number
  readonly column?: number
  readonly limit?: string
  readonly used?: number
  readonly max?: number
  readonly path?: string
}

/**
 * `POST /api/execute`: runs under the host's limits (the request may only tighten them).
 * `values`/`texts` only when there is not exactly one value, the one in `value`/`text`.
 */
export async function execute(hosts: PlaygroundHosts, body: unknown, observers: Observers, signal: AbortSignal) {
  const req = parse(executeSchema, body)
  const host = await hostFor(hosts, req.policy)
  checkLanguage(host, req.language)
  const name = req.name ?? `playground.${req.language}`
  const run = withLogSlot(() =>
    observedExecute(
      host,
      { language: req.language, source: req.source, name, globals: req.globals, context: req.context, limits: req.limits, signal },
      observers,
    ),
  )
  try {
    const r = await run.done
    // every value of a multiple return (Lua), each with its readable form for the page
    // left out when they would only repeat value and text: a large value is sent once
    const single = r.values.length === 1 && Object.is(r.values[0], r.value)
    const each = single ? [] : r.values.map((v) => toJsonValue(v, req.language))
    return {
      ok: true as const,
      ...toJsonValue(r.value, req.language),
      ...(!single && { values: each.map((v) => v.value), texts: each.map((v) => v.text) }),
      logs: r.logs,
      stats: r.stats,
    }
  } catch (e) {
    // the lines printed before the error or limit, as the CLI's --json answers them
    return { ...failure(e), logs: [...run.logs()] }
  }
}

/** `POST /api/check`: compiles (syntax check) without running. */
export async function check(hosts: PlaygroundHosts, body: unknown) {
  const req = parse(checkSchema, body)
  const host = await hostFor(hosts, req.policy)
  checkLanguage(host, req.language)
  try {
    await host.compile({ language: req.language, source: req.source, name: req.name ?? `playground.${req.language}` })
    return { ok: true as const }
  } catch (e) {
    return failure(e)
  }
}

/** `GET /api/typings?lang=&format=text|json&policy=`. */
export async function typings(hosts: PlaygroundHosts, params: URLSearchParams): Promise<{ json: boolean; body: string }> {
  const lang = params.get('lang') ?? ''
  if (!Object.hasOwn(TYPINGS_LANGUAGES, lang)) {
    throw new HttpError(400, 'E_LANGUAGE', `unknown language '${lang}' (known: ${Object.keys(TYPINGS_LANGUAGES).join(', ')})`)
  }
  const policy = params.get('policy') ?? undefined
  const host = await hostFor(hosts, parse(z.enum(PRESETS).optional(), policy, 'policy'))
  if (params.get('format') === 'json') {
    const d = host.declared
    const model = buildTypingsModel(
      { bridges: host.bridges, modules: host.modules, security: host.security, globals: d.globals, context: d.context },
      lang === 'javascript' ? 'js' : lang,
    )
    return { json: true, body: JSON.stringify(model) }
  }
  return { json: false, body: host.typings(lang) }
}

/** `GET /api/stats`: each host's `stats()` and their totals for the live panel. */
export function stats(hosts: PlaygroundHosts) {
  const all: Record<string, HostStats> = {}
  for (const [name, h] of hosts.current()) all[name] = h.stats()
  const list = Object.values(all)
  const pools: Record<string, { active: number; idle: number; size: number; waiting: number }> = {}
  const limitTrips: Record<string, number> = {}
  for (const s of list) {
    for (const [k, v] of Object.entries(s.limitTrips)) limitTrips[k] = (limitTrips[k] ?? 0) + v
    for (const [engine, e] of Object.entries(s.engines)) {
      const p = (pools[engine] ??= { active: 0, idle: 0, size: 0, waiting: 0 })
      p.active += e.pool?.active ?? 0
      p.idle += e.pool?.idle ?? 0
      p.size += e.pool?.size ?? 0
      p.waiting += e.pool?.waiting ?? 0
    }
  }
  const add = (f: (s: HostStats) => number) => list.reduce((n, s) => n + f(s), 0)
  return {
    at: Date.now(),
    total: {
      executions: add((s) => s.executions),
      failures: add((s) => s.failures),
      running: add((s) => s.running),
      limitTrips,
      cache: { hits: add((s) => s.cache.hits), misses: add((s) => s.cache.misses), size: add((s) => s.cache.size) },
      pools,
    },
    hosts: all,
  }
}

/** `GET /api/info`: what the page offers (presets, languages, default limits). */
export async function info(hosts: PlaygroundHosts) {
  const host = await hosts.get(undefined)
  return {
    presets: hosts.presets,
    defaultPreset: hosts.presets.length ? hosts.defaultPreset : undefined,
    languages: host.languages,
    limits: host.security.policy.limits,
  }
}

// --- internal ---

function parse<T>(schema: z.ZodType<T>, value: unknown, what = 'request'): T {
  const r = schema.safeParse(value)
  if (r.success) return r.data
  const issue = r.error.issues[0]
  const field = issue?.path.length ? issue.path.join('.') : what
  const msg =
    issue?.code === 'unrecognized_keys' ? `unknown field ${issue.keys.map((k) => `'${k}'`).join(', ')}` : (issue?.message ?? 'invalid')
  throw new HttpError(400, 'E_REQUEST', `${field}: ${msg}`)
}

async function hostFor(hosts: PlaygroundHosts, preset: Preset | undefined): Promise<Host> {
  if (preset !== undefined && hosts.presets.length === 0) {
    throw new HttpError(400, 'E_POLICY', 'this playground runs one host with its own policy: leave out "policy"')
  }
  return hosts.get(preset)
}

/** A language the host has no engine for is the request's fault (400), answered as the host routes it. */
function checkLanguage(host: Host, language: string): void {
  try {
    host.engineFor({ language })
  } catch (e) {
    if (e instanceof EngineNotFoundError) throw new HttpError(400, 'E_LANGUAGE', e.message)
    throw e
  }
}

/** Request problems are 4xx; what the script did is a 200 with `ok: false`. */
function failure(e: unknown): { ok: false; error: ScriptFailure } {
  if (e instanceof InvalidArgumentError || e instanceof EngineNotFoundError || e instanceof PolicyError) {
    throw new HttpError(400, e.code, e.message)
  }
  if (e instanceof PoolExhaustedError) throw new HttpError(503, e.code, e.message)
  if (!(e instanceof PolyhostError)) throw e
  const error: Record<string, unknown> = { name: e.name, code: (e as { code?: string }).code ?? 'E_UNKNOWN', message: e.message }
  if (e instanceof ScriptSyntaxError || e instanceof ScriptRuntimeError) Object.assign(error, { line: e.line, column: e.column })
  if (e instanceof LimitExceededError) Object.assign(error, { limit: e.limit, used: e.used, max: e.max })
  if ('path' in e && typeof e.path === 'string') error.path = e.path
  return { ok: false, error: error as unknown as ScriptFailure }
}
