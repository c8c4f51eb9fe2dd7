import { ErrorReply } from '../store/replies.js'

/** Redis accepts client names of characters '!'..'~' only (`CLIENT SETNAME`, `HELLO … SETNAME`). */
export function validName(name: Buffer): ErrorReply | undefined {
  for (const c of name) {
    if (c < 0x21 || c > 0x7e) return new ErrorReply('ERR Client names cannot contain spaces, newlines or special characters.')
  }
  return undefined
}

/** The name a connection keeps: none for an empty one, as Redis clears it. */
export function nameOrNone(name: Buffer): Buffer | undefined {
  return name.length ? Buffer.from(name) : undefined
}
