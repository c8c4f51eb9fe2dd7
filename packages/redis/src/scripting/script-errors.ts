import { ScriptRuntimeError } from '@polyhost/core'
import { ErrorReply, formatG } from '../store/replies.js'
import { cString } from './sds-split.js'

/** The chunk name Redis gives EVAL scripts, and so the prefix of their error positions. */
export const CHUNK = 'user_script'

/**
 * Redis's reply for a script that raised an error. Runs are called under Redis's error
 * handler (lua-err-handler.ts), which makes the error a table `{err, source, line}`: `err`
 * as is (a number as its `%.14g` text), then ` script: <sha>, on <source>:<line>.` naming the
 * frame that raised (or its caller, when that is a C function). Without a position from the
 * handler, the innermost script frame of the engine's traceback is named. Errors that are
 * not the script's own (limits, cancellation) are returned unchanged.
 */
export function scriptFailure(e: unknown, sha: string, chunk: string = CHUNK): ErrorReply | unknown {
  if (!(e instanceof ScriptRuntimeError)) return e
  const thrown = (e.thrown !== null && typeof e.thrown === 'object' ? e.thrown : {}) as Record<string, unknown>
  let msg: string
  const err = luaString(thrown.err)
  // Redis reads err with lua_isstring/lua_tostring: a number counts, as its Lua 5.1 text
  if (err !== undefined) msg = thrown.made === true ? `ERR ${redisWording(err.slice(4))}` : err
  // the handler did not run (an error raised outside a run's handler): Redis's handler applies tostring() to anything that is not a table
  else if (typeof e.thrown === 'boolean') msg = `ERR ${e.thrown}`
  else if (e.thrown === null && e.message === '(error object is a nil value)') msg = 'ERR nil'
  else msg = `ERR ${redisWording(e.message)}`
  const source = luaString(thrown.source)
  let where: string | undefined
  // Redis reads both with lua_tostring: a string line counts too
  const line = luaString(thrown.line)
  if (source !== undefined && line !== undefined) where = `${cString(source)}:${cString(line)}`
  else {
    const own = innermostLine(e, chunk)
    if (own !== undefined) where = `@${chunk}:${own}`
  }
  // Redis formats the message as a C string: it ends at a NUL
  const text = cString(msg)
  return new ErrorReply((where === undefined ? text : `${text} script: ${sha}, on ${where}.`).replace(/[\r\n]/g, ' '))
}

/** Redis's reply for a script that does not compile, from Lua's message. */
export function compileFailure(message: string, prefix = 'ERR Error compiling script (new function): '): ErrorReply {
  // Lua 5.1 quotes the end-of-file token ('<eof>'); Lua 5.3's parser does not
  const msg = message.replace(/near <eof>$/, "near '<eof>'")
  return new ErrorReply(`${prefix}${msg}`.replace(/[\r\n]/g, ' '))
}

// --- internal ---

/** A Lua string or number as lua_tostring gives it (bytes that are not UTF-8 decoded as a client decodes them). */
function luaString(v: unknown): string | undefined {
  if (typeof v === 'string') return v
  if (typeof v === 'number') return formatG(v, 14)
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8')
  return undefined
}

/**
 * The engine words two refusals its own way; a Redis script reads Redis's words. Both
 * happen only when a script writes a global or a library table, which Redis forbids alike.
 */
function redisWording(message: string): string {
  return (
    message
      .replace(/assignment to undeclared global '[^']*'$/, 'Attempt to modify a readonly table')
      .replace(/attempt to modify a read-only table$/, 'Attempt to modify a readonly table')
      // Lua 5.1 names the variable first: "attempt to call field 'f' (a nil value)"
      .replace(
        /attempt to (perform arithmetic on|call|index|concatenate) a (\w+) value \((global|local|field|upvalue|method) '([^']*)'\)$/,
        "attempt to $1 $3 '$4' (a $2 value)",
      )
  )
}

function innermostLine(e: ScriptRuntimeError, chunk: string): number | undefined {
  const frames = e.scriptStack?.split('\n') ?? []
  for (const f of frames) {
    const m = new RegExp(`^\\t${chunk}:(\\d+):`).exec(f)
    if (m) return Number(m[1])
  }
  const own = new RegExp(`^${chunk}:(\\d+):`).exec(e.message)
  return own ? Number(own[1]) : e.line
}
