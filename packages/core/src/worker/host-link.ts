import { type MessagePort, receiveMessageOnPort } from 'node:worker_threads'
import type { CallReply, FromWorker, SyncReply } from './protocol.js'

/** How long one `Atomics.wait` sleeps before the worker looks at its abort flag again. */
const WAIT_SLICE_MS = 20

interface PendingCall {
  resolve(reply: CallReply): void
}

/**
 * The worker's end of bridge calls. A call posts a message to the host and blocks the worker
 * on `Atomics.wait` until the host has run the handler and posted the reply on a dedicated
 * port (read with `receiveMessageOnPort`, so no event-loop turn is needed): synchronous
 * handlers stay synchronous for the script. A handler that returns a Promise is answered
 * `pending`; its settlement arrives later as an ordinary message.
 */
export class HostLink {
  private nextCall = 1
  private readonly pending = new Map<number, PendingCall>()

  constructor(
    private readonly post: (message: FromWorker) => void,
    private readonly slot: Int32Array,
    private readonly port: MessagePort,
  ) {}

  /**
   * Sends one call and waits for its reply. Returns undefined when `stopped()` turns true first
   * (the host ended the execution); a late reply is then dropped by its call number.
   * Throws DataCloneError when an argument cannot cross threads.
   */
  call(id: number, path: string, args: readonly unknown[], outputBytes: number, stopped: () => boolean, refuseAsync?: string) {
    const call = this.nextCall++
    this.post({ t: 'call', id, call, path, args, outputBytes, refuseAsync })
    for (;;) {
      const seen = Atomics.load(this.slot, 0)
      for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
        const r = m.message as SyncReply
        if (r.call === call) return { call, reply: r.reply }
      }
      if (stopped()) return undefined
      Atomics.wait(this.slot, 0, seen, WAIT_SLICE_MS)
    }
  }

  /** The settlement of a call answered `pending`. */
  settlement(call: number): Promise<CallReply> {
    return new Promise<CallReply>((resolve) => this.pending.set(call, { resolve }))
  }

  /** Delivers a settle message from the host; unknown calls (already abandoned) are ignored. */
  settle(call: number, reply: CallReply): void {
    const p = this.pending.get(call)
    if (!p) return
    this.pending.delete(call)
    p.resolve(reply)
  }

  /** Forgets calls whose execution has ended. */
  forget(calls: Iterable<number>): void {
    for (const c of calls) this.pending.delete(c)
  }
}
