import type { MessagePort } from 'node:worker_threads'
import type { LogEntry } from '../contracts.js'
import { BridgeError, CancelledError, ConversionError, isFatal } from '../errors.js'
import { hostErrorText } from '../sanitize.js'
import { invalidReturnValue } from '../bridge-failure.js'
import { crossingCopy } from './crossing.js'
import { type Flight, shipLogs } from './flight.js'
import type { CallMessage, CallOutcome, CallReply, ToWorker } from './protocol.js'
import { encodeError } from './wire-errors.js'

/** Errors the host sends a worker leave their causes behind: host error text stays on the host. */
export const TO_WORKER = { causes: false } as const

/**
 * Serves a worker's bridge calls on the host thread: runs the handler through the host's
 * Execution (which meters and checks it), answers a synchronous call on the reply port (the
 * worker waits on `slot`) and an asynchronous one with a `settle` message. A result that
 * cannot cross to the worker becomes a BridgeError naming the method.
 */
export class BridgeServer {
  constructor(
    private readonly replyPort: MessagePort,
    /** Int32 the worker waits on for a synchronous reply. */
    private readonly slot: Int32Array,
    private readonly send: (m: ToWorker) => void,
    /** Whether the flight still waits for its worker (a late settle is dropped). */
    private readonly waiting: (f: Flight) => boolean,
    /** The host's `maxDepth`: a result nested deeper is refused as engines refuse it. */
    private readonly maxDepth: number,
  ) {}

  /** Runs a bridge call for the worker (`f`: its flight, undefined once ended) and answers it. */
  serve(m: CallMessage, f: Flight | undefined): void {
    let reply: CallOutcome
    if (!f) {
      reply = { k: 'error', error: encodeError(new CancelledError('execution has ended')) }
    } else {
      f.bridged = true
      const x = f.execution
      // the worker counts script output; handler logs here continue from its count
      if (m.outputBytes > x.outputBytes) x.outputBytes = m.outputBytes
      try {
        const out = x.callBridge(m.path, m.args, m.refuseAsync)
        if (out instanceof Promise) {
          reply = { k: 'pending' }
          f.awaiting++
          out.then(
            (value) => this.settle(f, m.call, m.path, { k: 'value', value }),
            (e) => this.settle(f, m.call, m.path, { k: 'error', error: encodeError(e, TO_WORKER) }),
          )
        } else {
          reply = crossing(m.path, out, f, this.maxDepth)
        }
      } catch (e) {
        reply = { k: 'error', error: encodeError(e, TO_WORKER) }
      }
    }
    const logs = f ? shipLogs(f) : []
    const bridgeCalls = f?.execution.bridgeCalls ?? 0
    deliver((x) => this.replyPort.postMessage({ call: m.call, reply: x }), reply, logs, bridgeCalls, m.path, f)
    // the worker waits on the slot whatever happened above
    Atomics.add(this.slot, 0, 1)
    Atomics.notify(this.slot, 0)
  }

  // --- internal ---

  /** Sends the outcome of an asynchronous bridge call, unless its execution is gone. */
  private settle(f: Flight, call: number, path: string, r: CallOutcome): void {
    f.awaiting--
    if (!this.waiting(f)) return
    if (r.k === 'value') r = crossing(path, r.value, f, this.maxDepth)
    deliver((x) => this.send({ t: 'settle', id: f.id, call, reply: x }), r, shipLogs(f), f.execution.bridgeCalls, path, f)
  }
}

/**
 * Posts a call's reply. Runs in a worker message handler or a promise callback, where a throw
 * would be uncaught (the host process exits): a reply structured clone refuses becomes the
 * error the script gets, and if even that cannot be posted (its logs), a bare error without
 * logs is. Nothing is thrown; a port that is gone (the worker died) loses the reply.
 */
function deliver(
  post: (reply: CallReply) => void,
  r: CallOutcome,
  logs: readonly LogEntry[],
  bridgeCalls: number,
  path: string,
  f: Flight | undefined,
): void {
  try {
    post({ ...r, logs, bridgeCalls })
    return
  } catch (e) {
    r = { k: 'error', error: encodeError(uncloneable(path, e, f), TO_WORKER) }
  }
  try {
    post({ ...r, logs, bridgeCalls })
    return
  } catch {
    // the logs themselves: sent without them rather than not at all
  }
  try {
    post({
      k: 'error',
      error: encodeError(new BridgeError(`${path}: the reply cannot be passed to the script's worker`, path)),
      logs: [],
      bridgeCalls,
    })
  } catch {
    // the port is closed: the worker is gone, and its executions are settled by its exit
  }
}

/**
 * A handler's result as it will cross to the worker (crossingCopy: read once, counted against
 * the budget, refused where an inline engine would refuse it), or the error the script gets
 * instead. A getter or trap that throws is a result that cannot be passed, as a clone failure is.
 */
function crossing(path: string, value: unknown, f: Flight, maxDepth: number): CallOutcome {
  try {
    return { k: 'value', value: crossingCopy(value, f.execution, maxDepth) }
  } catch (e) {
    const error = e instanceof ConversionError ? unreceivable(path, e, f) : isFatal(e) ? e : uncloneable(path, e, f)
    return { k: 'error', error: encodeError(error, TO_WORKER) }
  }
}

/**
 * A result structured clone refuses (a function, symbol, class instance...) is a result the
 * script cannot receive, worded as inline engines word a result they cannot convert: a
 * BridgeError `invalid return value` whose cause is the ConversionError. It is recorded on the
 * execution, so that if the script lets it escape the host reports that BridgeError.
 */
function uncloneable(path: string, e: unknown, f: Flight | undefined): Error {
  return unreceivable(path, new ConversionError('$', `the value cannot be passed to the script's worker (${hostErrorText(e)})`), f)
}

/** A result the script cannot receive, for `reason`: the BridgeError inline engines give. */
function unreceivable(path: string, reason: ConversionError, f: Flight | undefined): Error {
  const error = invalidReturnValue(path, reason)
  f?.execution.noteBridgeFailure(path, error)
  return error
}
