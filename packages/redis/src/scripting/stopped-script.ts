import { LimitExceededError } from '@polyhost/core'
import { ErrorReply } from '../store/replies.js'

/**
 * A queued EVAL or FCALL stopped by a script limit, as one element of EXEC's reply. Outside
 * a transaction the call rejects with LimitExceededError; inside one, Redis never skips the
 * commands queued after it, so the stop becomes an error reply worded as Redis words a
 * killed script (`Script killed by user with SCRIPT KILL...`), with the limit that stopped
 * it: `ERR Script killed: timeout limit exceeded (313.8 > 300)`. Undefined for other errors.
 */
export function stoppedScriptReply(e: unknown): ErrorReply | undefined {
  if (!(e instanceof LimitExceededError)) return undefined
  return new ErrorReply(`ERR Script killed: ${e.message}`)
}
