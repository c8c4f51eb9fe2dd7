import type { IncomingMessage, ServerResponse } from 'node:http'
import { decodeUtf8, quoteText } from '@polyhost/core'

/** A request the API refuses: answered with `status` and `{ error: { code, message } }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/**
 * Reads a JSON object body of at most `limit` bytes. Too large → 413 (reading stops at the
 * cap), not `application/json` or a charset other than UTF-8 → 415, not UTF-8, not JSON or
 * not an object → 400.
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  const [type, ...params] = String(req.headers['content-type'] ?? '').split(';')
  // a form or text/plain post is what a foreign page can send without a preflight: refuse it
  if (type?.trim().toLowerCase() !== 'application/json') throw new HttpError(415, 'E_CONTENT_TYPE', 'request body must be application/json')
  // the body is decoded as UTF-8 whatever it says: a UTF-16 or Latin-1 body would be misread
  const charsets = charsetsOf(params)
  // one label: with two, one part of a chain may read the body by the one this check skipped
  if (charsets.length > 1)
    throw new HttpError(415, 'E_CONTENT_TYPE', `request body must be UTF-8 JSON with one charset parameter, not ${charsets.length}`)
  const charset = charsets[0]
  if (charset !== undefined && !UTF8_NAMES.includes(charset.toLowerCase()))
    throw new HttpError(415, 'E_CONTENT_TYPE', `request body must be UTF-8 JSON, not charset ${quoteText(charset)}`)
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) throw new HttpError(413, 'E_TOO_LARGE', `request body over ${limit} bytes`)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > limit) throw new HttpError(413, 'E_TOO_LARGE', `request body over ${limit} bytes`)
    chunks.push(chunk as Buffer)
  }
  // JSON is UTF-8 text: a byte that is not (Latin-1 `é`, 0xE9) would become U+FFFD without a
  // word and change the script (Lua's #"é" counting 3 bytes), so it is refused, as the CLI does
  let text: string
  try {
    text = decodeUtf8(Buffer.concat(chunks), 'the body', `${req.method} ${(req.url ?? '').split('?')[0]}`)
  } catch (e) {
    throw new HttpError(400, 'E_ENCODING', (e as Error).message)
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    throw new HttpError(400, 'E_JSON', `malformed JSON: ${(e as Error).message}`)
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new HttpError(400, 'E_JSON', 'request body must be a JSON object')
  return value as Record<string, unknown>
}

/** Sends a JSON answer. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...SECURITY_HEADERS })
  res.end(text)
}

/** Sends text (typings, metrics, static files). */
export function sendText(res: ServerResponse, status: number, contentType: string, body: string | Buffer): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store', ...SECURITY_HEADERS })
  res.end(body)
}

/** The page loads nothing from elsewhere and may not be framed. */
export const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // CodeMirror injects its styles and draws lint underlines as data: images
  'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
} as const

// --- internal ---

/** The charset names that mean UTF-8 (WHATWG Encoding's labels for it). */
const UTF8_NAMES: readonly string[] = ['utf-8', 'utf8', 'unicode-1-1-utf-8', 'unicode11utf8', 'unicode20utf8', 'x-unicode20utf8']

/** The `charset` parameters of a media type's parameters (`charset="utf-8"` unquoted), in order. */
function charsetsOf(params: readonly string[]): string[] {
  const out: string[] = []
  for (const p of params) {
    const eq = p.indexOf('=')
    if (eq < 0 || p.slice(0, eq).trim().toLowerCase() !== 'charset') continue
    const value = p.slice(eq + 1).trim()
    out.push(value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value)
  }
  return out
}
