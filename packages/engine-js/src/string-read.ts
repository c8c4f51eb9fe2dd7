import { type ConversionBudget, hasLoneSurrogate, LARGE_STRING } from '@polyhost/core/engine'
import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten-core'
import { consume } from './consume.js'
import type { HelperName } from './helpers.js'

// Guest strings read by the host: quickjs-emscripten passes strings as UTF-8 C strings, which
// cannot carry a NUL (it ends one) or a lone surrogate (no UTF-8 form); such a string is read
// through the guest's JSON text instead.

/** What reading a guest string needs: the context, and a guest helper (`sliceJson`) to call. */
export interface StringReader {
  readonly ctx: QuickJSContext
  /** Calls a guest helper; throws if it threw. */
  call(helper: HelperName, ...args: QuickJSHandle[]): QuickJSHandle
}

/** A key a C string cannot carry (a NUL ends it, a lone surrogate has no UTF-8): as one it names another key. */
export const unsafeKey = (k: string | number): k is string => typeof k === 'string' && (k.includes('\0') || hasLoneSurrogate(k))

/** The length (UTF-16 units) of a guest string. */
export function guestStringLength(host: Pick<StringReader, 'ctx'>, h: QuickJSHandle): number {
  return host.ctx.getProp(h, 'length').consume((l) => host.ctx.getNumber(l))
}

/**
 * A guest string read whole. `getString` stops at a NUL and makes a lone surrogate three U+FFFD
 * (equal lengths prove nothing), so a read of another length or with U+FFFD takes the guest's
 * JSON form (NUL and lone surrogates escaped): a long string in parts of LARGE_STRING units,
 * `budget`'s deadline checked between them (a part may split a pair; the join rejoins it).
 */
export function readGuestString(
  host: StringReader,
  h: QuickJSHandle,
  length = guestStringLength(host, h),
  budget?: ConversionBudget,
): string {
  const { ctx } = host
  const s = ctx.getString(h)
  if (s.length === length && !s.includes('\ufffd')) return s
  let out = ''
  for (let at = 0; at < length; at += LARGE_STRING) {
    if (at > 0) budget?.check()
    const part = consume(ctx.newNumber(at), (from) =>
      consume(ctx.newNumber(Math.min(length, at + LARGE_STRING)), (to) => host.call('sliceJson', h, from, to)),
    )
    out += JSON.parse(consume(part, (j) => ctx.getString(j))) as string
  }
  return out
}
