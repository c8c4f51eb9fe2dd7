import { cString, strtoull } from './c-numbers.js'
import { fail } from './replies.js'

/** A stream entry ID (`ms-seq`), both parts unsigned 64-bit as in Redis. */
export interface StreamId {
  readonly ms: bigint
  readonly seq: bigint
}

export const MAX_U64 = (1n << 64n) - 1n
export const MIN_ID: StreamId = { ms: 0n, seq: 0n }
export const MAX_ID: StreamId = { ms: MAX_U64, seq: MAX_U64 }
export const INVALID_ID = 'ERR Invalid stream ID specified as stream command argument'

/** Compares IDs: negative when a < b. */
export function compareIds(a: StreamId, b: StreamId): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1
  return a.seq === b.seq ? 0 : a.seq < b.seq ? -1 : 1
}

/** `ms-seq` text. */
export function idText(id: StreamId): string {
  return `${id.ms}-${id.seq}`
}

/** The next ID (`streamIncrID`); undefined after the last possible one. */
export function nextId(id: StreamId): StreamId | undefined {
  if (id.seq !== MAX_U64) return { ms: id.ms, seq: id.seq + 1n }
  return id.ms === MAX_U64 ? undefined : { ms: id.ms + 1n, seq: 0n }
}

/** The previous ID (`streamDecrID`); undefined before 0-0. */
export function prevId(id: StreamId): StreamId | undefined {
  if (id.seq !== 0n) return { ms: id.ms, seq: id.seq - 1n }
  return id.ms === 0n ? undefined : { ms: id.ms - 1n, seq: MAX_U64 }
}

/** How an ID argument may be written where it is parsed. */
export interface IdForm {
  /** The seq when only `ms` is given. */
  readonly missingSeq: bigint
  /** `-` and `+` (the smallest and largest IDs) are refused (Redis's strict parse). */
  readonly strict: boolean
  /** `ms-*` is allowed (XADD): the seq is then left to the stream. */
  readonly seqStar?: boolean
}

/**
 * Parses an ID as Redis's `streamGenericParseIDOrReply`: at most 127 bytes, read as a C
 * string (up to a NUL), split at the first `-`, each part by `string2ull` (so `+2`, ` 3`,
 * `01` and `-05` in the seq, modulo 2^64, are accepted). `seq` is undefined for `ms-*`.
 */
export function parseStreamId(arg: Buffer, form: IdForm): { ms: bigint; seq: bigint | undefined } {
  if (arg.length > 127) fail(INVALID_ID)
  const s = cString(arg.toString('latin1'))
  if (s === '-' || s === '+') {
    if (form.strict) fail(INVALID_ID)
    return s === '-' ? MIN_ID : MAX_ID
  }
  const dash = s.indexOf('-')
  const ms = string2ull(dash < 0 ? s : s.slice(0, dash))
  if (ms === undefined) fail(INVALID_ID)
  if (dash < 0) return { ms, seq: form.missingSeq }
  const seqText = s.slice(dash + 1)
  if (form.seqStar && seqText === '*') return { ms, seq: undefined }
  const seq = string2ull(seqText)
  if (seq === undefined) fail(INVALID_ID)
  return { ms, seq }
}

/** A complete ID (no `ms-*` form). */
export function parseFullId(arg: Buffer, missingSeq: bigint, strict: boolean): StreamId {
  return parseStreamId(arg, { missingSeq, strict }) as StreamId
}

// --- internal ---

/** Redis's `string2ull`: a strict 64-bit integer must not be negative, else `strtoull`. */
function string2ull(s: string): bigint | undefined {
  if (/^-[1-9][0-9]*$/.test(s) && BigInt(s) >= -(1n << 63n)) return undefined
  return strtoull(s)
}
