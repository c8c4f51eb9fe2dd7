import { ScriptSyntaxError } from '@polyhost/core'
import type { ScriptHost } from './script-host.js'

/**
 * Script and library sources are bytes (Redis compiles them with `luaL_loadbuffer`); the
 * engine takes text, which it encodes as UTF-8, so only UTF-8 sources reach Lua unchanged
 * through it. Sources are handled here as byte strings (one char per byte, `latin1`), and
 * handed over at the end: as text when the bytes are UTF-8, else to Lua's own `loadstring`
 * as a string value (globals cross byte for byte, as KEYS and ARGV do).
 */

/** The global holding a chunk's bytes for the loader (the run's own globals only). */
export const SOURCE_GLOBAL = '__redis_source'

/** What the engine runs for a chunk: its source and the globals it needs besides the caller's. */
export interface EngineChunk {
  readonly source: string
  readonly globals: Readonly<Record<string, unknown>>
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** A byte string (one char per byte) of `bytes`. */
export function byteString(bytes: Buffer): string {
  return bytes.toString('latin1')
}

/** A byte string's bytes as text the way a client decodes a reply (UTF-8, invalid bytes as U+FFFD). */
export function displayText(s: string): string {
  return Buffer.from(s, 'latin1').toString('utf8')
}

/** The engine's form of chunk `text` (a byte string) named `chunk`. */
export function engineChunk(text: string, chunk: string): EngineChunk {
  const bytes = Buffer.from(text, 'latin1')
  const utf = utf8Text(bytes)
  if (utf !== undefined) return { source: utf, globals: {} }
  // the run's own globals hold the bytes; the loader takes them out before the chunk runs
  const source =
    `local s = ${SOURCE_GLOBAL} rawset(_G, '${SOURCE_GLOBAL}', nil) ` +
    `local f, e = loadstring(s, '=${chunk}') if not f then error(e, 0) end return f()`
  return { source, globals: { [SOURCE_GLOBAL]: bytes } }
}

/**
 * Lua's compile error for chunk `text` (a byte string) named `chunk`, or undefined when it
 * compiles. Syntax errors only: anything else the host throws is thrown.
 */
export async function syntaxErrorOf(host: ScriptHost, text: string, chunk: string): Promise<string | undefined> {
  const bytes = Buffer.from(text, 'latin1')
  const utf = utf8Text(bytes)
  if (utf !== undefined) {
    try {
      await host.compile({ language: 'lua', source: utf, name: chunk })
      return undefined
    } catch (e) {
      if (e instanceof ScriptSyntaxError) return e.message
      throw e
    }
  }
  const r = await host.execute({
    language: 'lua',
    source: `local f, e = loadstring(${SOURCE_GLOBAL}, '=${chunk}') return e`,
    name: chunk,
    globals: { [SOURCE_GLOBAL]: bytes },
  })
  const e = r.value
  if (e === null || e === undefined) return undefined
  return typeof e === 'string' ? e : Buffer.from(e as Uint8Array).toString('utf8')
}

// --- internal ---

function utf8Text(bytes: Buffer): string | undefined {
  try {
    return utf8.decode(bytes)
  } catch {
    return undefined
  }
}
