/**
 * The one sanitiser for text that reaches a script (or a script's author) from host code:
 * handler errors, invalid return values, failed reads of host values, values that cannot
 * cross to a worker thread. Host paths become `<host>`, host stack frames are dropped, and
 * a structured-clone failure never quotes the value (V8 prints a function's source text).
 */

/**
 * Absolute host paths (`/srv/app/x.js:3:9`, `file:///…`, `C:\\…`, `\\\\server\\share\\…`,
 * `node:internal/…`), each with its `:line:column` and nothing after, so every style leaves the
 * same shape (`<host>: attempt to index…`). A POSIX path needs a directory part and must start
 * a word, so `a/b` or `1/2/3` in a message stay.
 */
const HOST_PATH =
  /(?<![\w/.:-])(?:file:\/\/)?\/(?:[\w.@+~%-]+\/)+[\w.@+~%-]*(?::\d+)*|file:\/\/\/?(?:[A-Za-z]:)?[^\s:'")]+(?::\d+)*|node:internal\/[\w/.-]+(?::\d+)*|(?:\b[A-Za-z]:|(?<![\w\\])\\\\[\w.$-]+)\\[^\s:'")]+(?::\d+)*/g
/** A stack frame line that points into the host (`    at fn (<host>)`, `    at Array.map (<anonymous>)`). */
const HOST_FRAME = /\n[ \t]*at [^\n]*(?:<host>|<anonymous>|\[native code\])[^\n]*/g
/** V8's structured-clone message: `<the value, a function's whole source> could not be cloned.` */
const CLONE_FAILURE = /^[\s\S]* could not be cloned\.?$/

/** What a script is told about a value that structured clone refused (never the value itself). */
export const UNCLONEABLE = 'a value that cannot be copied between threads (a function, symbol, Proxy or class instance)'

/**
 * Makes a message safe to show to a script or its author: host file paths become `<host>`
 * and host stack frames are dropped. `scriptName`, the execution's own script name, is kept
 * where it stands alone (`/etc/passwd.lua:1: x`) even when it looks like a host path; a
 * longer path that merely contains it is still hidden.
 */
export function sanitizeScriptMessage(message: string, scriptName?: string): string {
  const text = String(message)
  if (CLONE_FAILURE.test(text)) return UNCLONEABLE
  if (scriptName && text.includes(scriptName) && sanitizePaths(scriptName) !== scriptName) {
    const alone = new RegExp(`(?<![\\w/.:@+~%-])${escapeRegExp(scriptName)}(?![\\w/.@+~%-])`, 'g')
    let out = ''
    let from = 0
    for (const m of text.matchAll(alone)) {
      out += sanitizePaths(text.slice(from, m.index)) + scriptName
      from = m.index + scriptName.length
    }
    return (out + sanitizePaths(text.slice(from))).replace(HOST_FRAME, '')
  }
  return sanitizePaths(text).replace(HOST_FRAME, '')
}

/**
 * The most of a script-written text (an error's message, or its name) an engine keeps for the
 * host. The host masks host paths in it (~0.3 µs a character for path-like text) after the
 * script has ended, outside its limits: a message may be as large as the memory limit, and an
 * 8 MB one held an inline host 5–8 s past a 5 s time limit. What the script threw is not cut.
 */
export const MESSAGE_TEXT = 256 * 1024

/**
 * `text`, or its first MESSAGE_TEXT characters (a surrogate pair left whole) and how many were
 * left out, after a space: a path cut short must not run into the note and be masked with it.
 * `length` is the whole text's when `text` is already its first MESSAGE_TEXT characters (an
 * engine that cut it before handing it over).
 */
export function boundText(text: string, length = text.length): string {
  if (length <= MESSAGE_TEXT) return text
  const lead = text.charCodeAt(MESSAGE_TEXT - 1)
  const end = lead >= 0xd800 && lead <= 0xdbff ? MESSAGE_TEXT - 1 : MESSAGE_TEXT
  return `${text.slice(0, end)} … (${length - end} more characters left out)`
}

function sanitizePaths(text: string): string {
  return text.replace(HOST_PATH, '<host>')
}

/**
 * The text of an error thrown by host code, fit for a script: its message only (never its
 * stack), sanitised; a structured-clone failure is described, never quoted. '' when the
 * thrown value has no message.
 */
export function hostErrorText(e: unknown): string {
  try {
    if (typeof e === 'string') return sanitizeScriptMessage(e)
    if (typeof e !== 'object' || e === null) return ''
    const { name, message } = e as Error
    if (name === 'DataCloneError') return UNCLONEABLE
    return typeof message === 'string' ? sanitizeScriptMessage(message) : ''
  } catch {
    // an error whose own getters throw (a Proxy): nothing of it can be shown
    return ''
  }
}

/**
 * What a zod schema that threw instead of answering says: an asynchronous refine or transform
 * (which a synchronous check cannot await) named as such, else the thrown error's text.
 */
export function schemaThrewText(e: unknown, schemas: string): string {
  const message = e instanceof Error ? e.message : ''
  // zod 4: "Encountered Promise during synchronous parse"; zod 3: "Asynchronous refinement encountered..."
  if (/synchronous parse|asynchronous refinement/i.test(message))
    return `the schema is asynchronous (an async refine or transform); ${schemas} must be synchronous`
  return hostErrorText(e)
}

/** `s` as a literal inside a RegExp (engines match script names and module names in texts). */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * A script name as the engines compile it (Lua's chunk name, QuickJS's file name): controls
 * and line separators as `\xNN` / `\uNNNN`. The engines cut a name at NUL (C strings) and their
 * stack frames cannot hold a line break, so such a name would lose the error's line; the engines
 * put the caller's own name back in the errors they report.
 */
export function engineScriptName(name: string): string {
  return name.replace(/[\p{Cc}\u2028\u2029]/gu, (c) => {
    const code = c.charCodeAt(0)
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`
  })
}
