import { ScriptRuntimeError } from '@polyhost/core'
import { ErrorReply, formatG } from '../store/replies.js'

/** The chunk name Redis gives EVAL scripts, and so the prefix of their error positions. */
export const CHUNK = 'user_script'

/**
 * Redis's reply for a script that raised an error: an error table's `err` as is (a number
 * as its `%.14g` text), anything
 * else as `ERR <message>`, then ` script: <sha>, on @user_script:<line>.` with the line of
 * the innermost script frame (what Redis's error handler reads with `debug.getinfo`).
 * Errors that are not the script's own (limits, cancellation) are returned unchanged.
 */
export function scriptFailure(e: unknown, sha: string, chunk: string = CHUNK): ErrorReply | unknown {
  if (!(e instanceof ScriptRuntimeError)) return e
  const thrown = e.thrown as { err?: unknown } | undefined
  const line = innermostLine(e, chunk)
  let msg: string
  if (thrown && typeof thrown === 'object' && typeof thrown.err === 'string') msg = thrown.err
  // Redis reads err with lua_isstring/lua_tostring: a number counts, as its Lua 5.1 text
  else if (thrown && typeof thrown === 'object' && typeof thrown.err === 'number') msg = formatG(thrown.err, 14)
  // Redis's error handler applies tostring() to anything that is not a table
  else if (typeof thrown === 'boolean') msg = `ERR ${thrown}`
  else if (thrown === null && e.message === '(error object is a nil value)') msg = 'ERR nil'
  else msg = `ERR ${redisWording(e.message)}`
  // Redis formats the message as a C string: it ends at a NUL
  const text = msg.replace(/\0[\s\S]*$/, '').replace(/[\r\n]/g, ' ')
  return new ErrorReply(line === undefined ? text : `${text} script: ${sha}, on @${chunk}:${line}.`)
}

/** Redis's reply for a script that does not compile, from Lua's message. */
export function compileFailure(message: string, prefix = 'ERR Error compiling script (new function): '): ErrorReply {
  // Lua 5.1 quotes the end-of-file token ('<eof>'); Lua 5.3's parser does not
  const msg = message.replace(/near <eof>$/, "near '<eof>'")
  return new ErrorReply(`${prefix}${msg}`.replace(/[\r\n]/g, ' '))
}

// --- internal ---

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
