import { type Entry, IdleList, isWorn, newEntry } from './pool-entries.js'
import type { ResolvedPoolOptions, StateFactory } from './pool-types.js'

/**
 * The states a pool holds, alive or being created: their creation and destruction through
 * the factory, the idle list, wear, and the wait for running work to finish on close.
 */
export class PoolStates<S> {
  /** Every live state, leased or idle. */
  readonly all = new Set<Entry<S>>()
  readonly idle = new IdleList<S>()
  /** States the factory is creating now. */
  creating = 0
  created = 0
  destroyed = 0
  resets = 0
  resetFailures = 0
  private drained: (() => void) | undefined

  /** `changed` runs after a state is gone (room was made): the pool serves its waiters then. */
  constructor(
    readonly factory: StateFactory<S>,
    private readonly options: ResolvedPoolOptions,
    private readonly changed: () => void,
  ) {}

  /** Room for one more state under `max`, counting those being created. */
  hasRoom(): boolean {
    return this.room() > 0
  }

  /** How many more states fit under `max`, counting those being created. */
  room(): number {
    return Math.max(0, this.options.max - this.all.size - this.creating)
  }

  worn(e: Entry<S>, now: number = performance.now()): boolean {
    return isWorn(e, this.options, now)
  }

  /** An idle state fitting `partition`, taken out; worn ones met on the way are destroyed. */
  takeIdle(partition: string | undefined, now: number = performance.now()): Entry<S> | undefined {
    return this.idle.match(
      partition,
      (e) => this.worn(e, now),
      (e) => void this.destroy(e),
    )
  }

  /**
   * Marks `entry` active and asks the factory whether it may be handed out: a boolean, or a
   * promise of one when the factory's checkout is asynchronous. A throw or rejection is a no.
   */
  checkout(entry: Entry<S>): Promise<boolean> | boolean {
    entry.active = true
    try {
      const current = this.factory.checkout?.(entry.state)
      if (current instanceof Promise)
        return current.then(
          (v) => v !== false,
          () => false,
        )
      return current !== false
    } catch {
      return false
    }
  }

  /**
   * Creates a state and adds it (not idle: the caller parks or hands it out). A factory that
   * creates synchronously gets its entry back without a promise.
   */
  create(partition: string | undefined): Promise<Entry<S>> | Entry<S> {
    this.creating++
    const failed = (e: unknown): never => {
      this.creating--
      this.notifyDrain()
      throw e
    }
    let made: S | Promise<S>
    try {
      made = this.factory.create(partition)
    } catch (e) {
      return failed(e)
    }
    if (made instanceof Promise) return made.then((state) => this.add(state, partition), failed)
    return this.add(made, partition)
  }

  private add(state: S, partition: string | undefined): Entry<S> {
    this.created++
    this.creating--
    const entry = newEntry(state, partition)
    this.all.add(entry)
    return entry
  }

  /**
   * Restores a returned state's baseline and proves it; false (or a throw on the way) means
   * the state must go. Synchronous factories (the usual case) answer without a promise, so a
   * release costs no extra turns of the microtask queue.
   */
  renew(entry: Entry<S>): Promise<boolean> | boolean {
    this.resets++
    try {
      const reset = this.factory.reset(entry.state)
      if (reset instanceof Promise) return reset.then(() => this.validate(entry)).catch(() => this.failed())
      return this.validate(entry)
    } catch {
      return this.failed()
    }
  }

  /** Destroys a state (once; a second call does nothing). */
  async destroy(entry: Entry<S>): Promise<void> {
    if (!this.all.delete(entry)) return
    this.idle.remove(entry)
    this.destroyed++
    try {
      await this.factory.destroy(entry.state)
    } catch {
      // a state that fails to close is gone either way
    }
    this.notifyDrain()
    this.changed()
  }

  /** Waits until no state is leased, checked or being created, for at most `timeoutMs`. */
  async drain(timeoutMs: number): Promise<void> {
    if (!this.busy()) return
    let timer: ReturnType<typeof setTimeout> | undefined
    await new Promise<void>((resolve) => {
      this.drained = resolve
      timer = setTimeout(resolve, timeoutMs)
    })
    clearTimeout(timer)
  }

  // --- internal ---

  private validate(entry: Entry<S>): Promise<boolean> | boolean {
    try {
      const valid = this.factory.validate(entry.state)
      if (valid instanceof Promise) return valid.then((v) => v === true || this.failed()).catch(() => this.failed())
      return valid === true || this.failed()
    } catch {
      return this.failed()
    }
  }

  private failed(): false {
    this.resetFailures++
    return false
  }

  private busy(): boolean {
    return this.creating > 0 || [...this.all].some((e) => e.active)
  }

  private notifyDrain(): void {
    if (this.drained && !this.busy()) this.drained()
  }
}
