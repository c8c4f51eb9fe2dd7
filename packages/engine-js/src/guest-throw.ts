import { isFatal } from '@polyhost/core/engine'
import type { QuickJSHandle } from 'quickjs-emscripten-core'
import type { ConverterHost } from './converter.js'
import type { ThrownInfo } from './script-errors.js'

/** Messages of QuickJS internal errors that mean a resource ran out, not a script bug. */
export const OUT_OF_MEMORY = /^(out of memory|string too long|invalid array buffer length)$/
export const STACK_OVERFLOW = 'stack overflow'

/** What reading a thrown value needs of its state (a JsState). */
export interface ThrowSource extends Pick<ConverterHost, 'ctx' | 'call'> {
  readonly converter: { toHost(handle: QuickJSHandle): unknown }
}

/**
 * A value a script threw, read inside the VM (name, message, stack) and, where it can
 * cross, converted for `ScriptRuntimeError.thrown`. Disposes the handle.
 */
export class GuestThrow extends Error {
  readonly info: ThrownInfo
  readonly thrown: unknown

  constructor(state: ThrowSource, handle: QuickJSHandle) {
    // read as `uncaught <message>` (script-errors.ts) when even its description fails
    let info: ThrownInfo = { error: false, message: 'value that could not be read' }
    let thrown: unknown
    try {
      const json = state.call('describe', handle).consume((h) => state.ctx.getString(h))
      info = JSON.parse(json) as ThrownInfo
      if (!info.error) thrown = state.converter.toHost(handle)
    } catch (e) {
      // a thrown value too large or too slow to convert ends the execution with that limit
      if (isFatal(e)) throw e
      // the value could not be read or cannot cross; the message still says what happened
    } finally {
      handle.dispose()
    }
    super(info.message)
    this.info = info
    this.thrown = thrown
  }

  /** QuickJS's own InternalError for an exhausted resource. */
  get internal(): 'memory' | 'stack' | undefined {
    if (!this.info.error || this.info.name !== 'InternalError') return undefined
    if (OUT_OF_MEMORY.test(this.info.message)) return 'memory'
    return this.info.message === STACK_OVERFLOW ? 'stack' : undefined
  }
}
