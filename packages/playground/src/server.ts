import { readFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { type Host, InvalidArgumentError } from '@polyhost/core'
import type { Tracer } from '@opentelemetry/api'
import * as api from './api.js'
import { cappedJson, DEFAULT_RESPONSE_LIMIT } from './answer-size.js'
import { HttpError, readJsonBody, sendJson, sendText } from './http-io.js'
import { type HostFactory, PlaygroundHosts, type Preset } from './hosts.js'
import type { Observers } from './metrics/instrument.js'
import { HostMetrics, type HostMetricsOptions } from './metrics/prometheus.js'

/** Options of `startPlayground`. */
export interface PlaygroundOptions {
  /** The host scripts run on, or a factory making one host per policy preset (the page's chooser). */
  readonly host: Host | HostFactory
  /** Preset used when a request names none (with a factory); default `'standard'`. */
  readonly defaultPreset?: Preset
  /** Default 0: a free port. */
  readonly port?: number
  /**
   * Address to bind; default `127.0.0.1`. Anything else makes the playground reachable from
   * other machines: only do so behind an `auth` hook.
   */
  readonly hostname?: string
  /** Largest accepted request body in bytes; default 256 KiB. */
  readonly bodyLimit?: number
  /**
   * Largest `POST /api/execute` answer in bytes of JSON; default 8 MiB (`DEFAULT_RESPONSE_LIMIT`).
   * A larger one is answered `{ ok: false, error: { code: 'E_RESPONSE_TOO_LARGE', ... } }`.
   */
  readonly responseLimit?: number
  /** Guards `/api/*` and `/metrics`: return false to answer 401. */
  readonly auth?: (req: IncomingMessage) => boolean | Promise<boolean>
  /** Prometheus metrics: options for a new `HostMetrics`, or one to share. */
  readonly metrics?: HostMetrics | HostMetricsOptions
  /** OpenTelemetry tracer (or `true`: the global one) for one span per execution. */
  readonly tracing?: Tracer | boolean
  /** Directory of the built page; default the package's `dist/web`. */
  readonly webRoot?: string
}

/** A running playground. */
export interface Playground {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  readonly port: number
  readonly metrics: HostMetrics
  readonly server: Server
  /** Stops listening, then closes the hosts the playground made (not a host it was given). */
  close(): Promise<void>
}

/**
 * Starts the playground: the page at `/` and the HTTP API (`POST /api/execute`,
 * `POST /api/check`, `GET /api/typings?lang=`, `GET /api/stats`, `GET /api/info`,
 * `GET /metrics`), bound to 127.0.0.1 unless told otherwise.
 *
 * @example
 * const pg = await startPlayground({ host })
 * console.log(pg.url)
 */
export async function startPlayground(options: PlaygroundOptions): Promise<Playground> {
  const responseLimit = checkResponseLimit(options.responseLimit)
  const hosts = new PlaygroundHosts(options.host, options.defaultPreset)
  const metrics = options.metrics instanceof HostMetrics ? options.metrics : new HostMetrics(options.metrics)
  for (const name of ['minimal', 'standard', 'strict', 'host']) metrics.track(() => hosts.current().find(([n]) => n === name)?.[1])
  const ctx: Context = {
    hosts,
    metrics,
    observers: { metrics, tracing: options.tracing },
    bodyLimit: options.bodyLimit ?? 256 * 1024,
    responseLimit,
    auth: options.auth,
    webRoot: options.webRoot ?? fileURLToPath(new URL('../dist/web/', import.meta.url)),
    hostname: options.hostname ?? '127.0.0.1',
    port: 0,
  }
  const server = createServer((req, res) => {
    handle(ctx, req, res).catch((e) => fail(res, e))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, ctx.hostname, () => resolve())
  })
  ctx.port = (server.address() as AddressInfo).port
  const shown = ctx.hostname.includes(':') ? `[${ctx.hostname}]` : ctx.hostname
  return {
    url: `http://${shown}:${ctx.port}`,
    port: ctx.port,
    metrics,
    server,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      await hosts.close()
    },
  }
}

// --- internal ---

interface Context {
  readonly hosts: PlaygroundHosts
  readonly metrics: HostMetrics
  readonly observers: Observers
  readonly bodyLimit: number
  readonly responseLimit: number
  readonly auth: PlaygroundOptions['auth']
  readonly webRoot: string
  readonly hostname: string
  port: number
}

const STATIC: Readonly<Record<string, [file: string, type: string]>> = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/index.html': ['index.html', 'text/html; charset=utf-8'],
  '/app.js': ['app.js', 'text/javascript; charset=utf-8'],
  '/app.css': ['app.css', 'text/css; charset=utf-8'],
}

async function handle(ctx: Context, req: IncomingMessage, res: ServerResponse): Promise<void> {
  checkHostHeader(ctx, req)
  const url = new URL(req.url ?? '/', 'http://playground')
  const path = url.pathname
  const staticFile = Object.hasOwn(STATIC, path) ? STATIC[path] : undefined
  if (staticFile) {
    allow(req, 'GET')
    return sendText(res, 200, staticFile[1], await readFile(`${ctx.webRoot}/${staticFile[0]}`))
  }
  if (path === '/favicon.ico') {
    res.writeHead(204).end()
    return
  }
  if (path !== '/metrics' && !path.startsWith('/api/')) throw new HttpError(404, 'E_NOT_FOUND', `no such path: ${path}`)
  if (ctx.auth && !(await ctx.auth(req))) throw new HttpError(401, 'E_AUTH', 'not authorised')
  switch (path) {
    case '/api/execute': {
      allow(req, 'POST')
      const body = await readJsonBody(req, ctx.bodyLimit)
      // a client that goes away cancels its execution
      const abort = new AbortController()
      res.once('close', () => abort.abort())
      const answer = await api.execute(ctx.hosts, body, ctx.observers, abort.signal)
      return sendText(res, 200, 'application/json; charset=utf-8', cappedJson(answer, ctx.responseLimit))
    }
    case '/api/check':
      allow(req, 'POST')
      return sendJson(res, 200, await api.check(ctx.hosts, await readJsonBody(req, ctx.bodyLimit)))
    case '/api/typings': {
      allow(req, 'GET')
      const t = await api.typings(ctx.hosts, url.searchParams)
      return sendText(res, 200, t.json ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8', t.body)
    }
    case '/api/stats':
      allow(req, 'GET')
      return sendJson(res, 200, api.stats(ctx.hosts))
    case '/api/info':
      allow(req, 'GET')
      return sendJson(res, 200, await api.info(ctx.hosts))
    case '/metrics':
      allow(req, 'GET')
      return sendText(res, 200, ctx.metrics.registry.contentType, await ctx.metrics.metrics())
    default:
      throw new HttpError(404, 'E_NOT_FOUND', `no such path: ${path}`)
  }
}

function checkResponseLimit(v: unknown): number {
  if (v === undefined) return DEFAULT_RESPONSE_LIMIT
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1024)
    throw new InvalidArgumentError(`startPlayground: responseLimit must be an integer of at least 1024, received ${String(v)}`)
  return v
}

function allow(req: IncomingMessage, method: 'GET' | 'POST'): void {
  if (req.method !== method && !(method === 'GET' && req.method === 'HEAD')) {
    throw new HttpError(405, 'E_METHOD', `${req.method} is not allowed here; use ${method}`)
  }
}

/**
 * On a loopback address, only `Host: 127.0.0.1:<port>` / `localhost:<port>` is served: a page
 * elsewhere whose name was re-pointed at 127.0.0.1 (DNS rebinding) cannot read the API.
 */
function checkHostHeader(ctx: Context, req: IncomingMessage): void {
  if (ctx.hostname !== '127.0.0.1' && ctx.hostname !== 'localhost' && ctx.hostname !== '::1') return
  const host = String(req.headers.host ?? '').toLowerCase()
  const ok = [`127.0.0.1:${ctx.port}`, `localhost:${ctx.port}`, `[::1]:${ctx.port}`]
  if (!ok.includes(host)) throw new HttpError(421, 'E_HOST', `unexpected Host header '${host}'`)
}

function fail(res: ServerResponse, e: unknown): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  if (e instanceof HttpError) {
    if (e.status === 413) res.setHeader('connection', 'close')
    sendJson(res, e.status, { error: { code: e.code, message: e.message } })
    return
  }
  const code = (e as NodeJS.ErrnoException)?.code
  if (code === 'ENOENT') {
    sendJson(res, 404, { error: { code: 'E_NOT_BUILT', message: 'the page is not built (run the package build)' } })
    return
  }
  sendJson(res, 500, { error: { code: 'E_INTERNAL', message: 'internal error' } })
}
