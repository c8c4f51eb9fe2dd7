import type { SecurityManager } from '@polyhost/security'

interface Waiting {
  readonly security: SecurityManager
  readonly resolve: () => void
}

/**
 * Decides which policy a worker's engines see (`env.security`), so that every execution runs
 * under the policy it started with. Engines read `env.security` when they make or check out a
 * state, at any moment an execution runs; so the policy in force changes only while no
 * execution holds it. Executions of another policy wait (FIFO: after a switch is asked for,
 * later arrivals of the old policy queue behind it, so a switch is never starved).
 *
 * @example
 * const entered = gate.enter(policy)   // undefined: entered at once
 * if (entered) await entered
 * try { run() } finally { gate.leave() }
 */
export class PolicyGate {
  private holders = 0
  private readonly waiting: Waiting[] = []

  constructor(private current: SecurityManager) {}

  /** The policy in force. */
  get security(): SecurityManager {
    return this.current
  }

  /** Executions holding the policy in force. */
  get active(): number {
    return this.holders
  }

  /** Enters under `security`: at once (undefined), or a promise that resolves once in force. */
  enter(security: SecurityManager): Promise<void> | undefined {
    if (this.waiting.length === 0 && security.fingerprint === this.current.fingerprint) {
      this.holders++
      return undefined
    }
    return new Promise<void>((resolve) => {
      this.waiting.push({ security, resolve })
      this.pump()
    })
  }

  /**
   * Enters under `security` for an execution: at once (undefined), or a promise that resolves
   * once in force, or rejects with the execution's fatal error if it ends first (the place it
   * would have had is handed on at once).
   */
  enterFor(x: { readonly fatal: Error | undefined; readonly signal: AbortSignal }, security: SecurityManager): Promise<void> | undefined {
    const wait = this.enter(security)
    if (!wait) return undefined
    return new Promise<void>((resolve, reject) => {
      let settled = false
      const onAbort = () => {
        if (settled) return
        settled = true
        reject(x.fatal)
      }
      wait.then(() => {
        x.signal.removeEventListener('abort', onAbort)
        // gave up meanwhile: hand the gate on at once
        if (settled) return this.leave()
        settled = true
        resolve()
      })
      if (x.fatal) onAbort()
      else x.signal.addEventListener('abort', onAbort, { once: true })
    })
  }

  /** Leaves (once per successful enter). */
  leave(): void {
    this.holders--
    this.pump()
  }

  // --- internal ---

  private pump(): void {
    for (let head = this.waiting[0]; head; head = this.waiting[0]) {
      if (head.security.fingerprint !== this.current.fingerprint) {
        if (this.holders > 0) return
        this.current = head.security
      }
      this.waiting.shift()
      this.holders++
      head.resolve()
    }
  }
}
