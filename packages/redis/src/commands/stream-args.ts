import { option, parseBigInt } from '../store/args.js'
import { ERR, fail } from '../store/replies.js'
import type { TrimSpec } from '../store/stream.js'
import { parseFullId, parseStreamId } from '../store/stream-id.js'

/** Redis's default LIMIT for `~` trimming: 100 nodes of `stream-node-max-entries` (100). */
const APPROX_LIMIT = 10_000n

/** What XADD's or XTRIM's options say. */
export interface AddTrimArgs {
  readonly trim: TrimSpec | undefined
  readonly noMkStream: boolean
  /** XADD: the ID argument's position (after the options). */
  readonly idAt: number
  /** XADD: the explicit ID (undefined for `*`); its seq is undefined for `ms-*`. */
  readonly id: { ms: bigint; seq: bigint | undefined } | undefined
}

/**
 * Reads XADD's (`xadd`) or XTRIM's options as Redis's `streamParseAddOrTrimArgsOrReply`,
 * in its order: each option as it comes (a second MAXLEN/MINID is refused at once, values
 * are parsed on the spot), and for XADD the ID as soon as an argument is not an option.
 * `a` starts after the key.
 */
export function parseAddOrTrim(a: Buffer[], xadd: boolean): AddTrimArgs {
  let strategy: 'maxlen' | 'minid' | undefined
  let maxlen: bigint | undefined
  let minid: TrimSpec['minid']
  let approx = false
  let limit = 0n
  let limitGiven = false
  let noMkStream = false
  let id: AddTrimArgs['id']
  let i = 0
  for (; i < a.length; i++) {
    const more = a.length - 1 - i
    const o = option(a[i])
    if (xadd && o === '*') break
    if ((o === 'MAXLEN' || o === 'MINID') && more > 0) {
      if (strategy) fail('ERR syntax error, MAXLEN and MINID options at the same time are not compatible')
      const mod = a[i + 1]?.toString('latin1')
      approx = more >= 2 && mod === '~'
      if (more >= 2 && (mod === '~' || mod === '=')) i++
      const threshold = a[++i] as Buffer
      if (o === 'MAXLEN') {
        maxlen = parseBigInt(threshold)
        if (maxlen < 0n) fail('ERR The MAXLEN argument must be >= 0.')
      } else minid = parseFullId(threshold, 0n, true)
      strategy = o === 'MAXLEN' ? 'maxlen' : 'minid'
    } else if (o === 'LIMIT' && more > 0) {
      limit = parseBigInt(a[++i] as Buffer)
      if (limit < 0n) fail('ERR The LIMIT argument must be >= 0.')
      limitGiven = true
    } else if (xadd && o === 'NOMKSTREAM') noMkStream = true
    else if (xadd) {
      id = parseStreamId(a[i] as Buffer, { missingSeq: 0n, strict: true, seqStar: true })
      break
    } else fail(ERR.syntax)
  }
  if (limit !== 0n && !strategy) fail('ERR syntax error, LIMIT cannot be used without specifying a trimming strategy')
  if (!xadd && !strategy) fail('ERR syntax error, XTRIM must be called with a trimming strategy')
  if (limitGiven && !approx) fail('ERR syntax error, LIMIT cannot be used without the special ~ option')
  if (!limitGiven) limit = approx ? APPROX_LIMIT : 0n
  const trim = strategy ? { maxlen, minid, approx, limit } : undefined
  return { trim, noMkStream, idAt: i, id }
}
