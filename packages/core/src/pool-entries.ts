import type { Lease, ResolvedPoolOptions } from './pool-types.js'

/** A pooled state with its bookkeeping. */
export interface Entry<S> {
  readonly state: S
  partition: string | undefined
  uses: number
  readonly createdAt: number
  idleSince: number
  /** Leased, resetting or under a health check: not to be handed out or destroyed by a drain. */
  active: boolean
  /** The lease this state is out on, until it is given back. */
  lease?: Lease<S> | undefined
}

/** A fresh entry for a state just created, idle since now. */
export function newEntry<S>(state: S, partition: string | undefined): Entry<S> {
  const now = performance.now()
  return { state, partition, uses: 0, createdAt: now, idleSince: now, active: false }
}

/** Used up: too many executions or too old to be handed out again. `now`: `performance.now()`. */
export function isWorn(e: Entry<unknown>, o: Pick<ResolvedPoolOptions, 'maxUses' | 'maxLifetimeMs'>, now: number): boolean {
  return (o.maxUses > 0 && e.uses >= o.maxUses) || (o.maxLifetimeMs > 0 && now - e.createdAt >= o.maxLifetimeMs)
}

/**
 * The idle states of a pool, matched to callers by tenant partition: a state keeps the
 * partition that first used it, an unused unclaimed state fits any partition.
 */
export class IdleList<S> {
  private list: Entry<S>[] = []

  get length(): number {
    return this.list.length
  }

  /** The idle entries now (a copy, safe to iterate while the list changes). */
  snapshot(): Entry<S>[] {
    return [...this.list]
  }

  /** Puts a state back as idle since `now` (a `performance.now()` reading just taken). */
  park(entry: Entry<S>, now: number = performance.now()): void {
    entry.active = false
    entry.idleSince = now
    this.list.push(entry)
  }

  /** Puts back a state that was taken out only for a check: its idle time runs on. */
  restore(entry: Entry<S>): void {
    this.list.push(entry)
  }

  has(entry: Entry<S>): boolean {
    return this.list.includes(entry)
  }

  /** Takes `entry` out; false if it was not idle. */
  take(entry: Entry<S>): boolean {
    const i = this.list.indexOf(entry)
    if (i < 0) return false
    this.list.splice(i, 1)
    return true
  }

  remove(entry: Entry<S>): void {
    this.list = this.list.filter((e) => e !== entry)
  }

  /** The oldest idle state, taken out (to make room for another partition). */
  shift(): Entry<S> | undefined {
    return this.list.shift()
  }

  /** Empties the list, returning what it held. */
  clear(): Entry<S>[] {
    return this.list.splice(0)
  }

  /**
   * The most recently parked state that fits `partition`, taken out and claimed for it. Worn
   * states met on the way are taken out and handed to `discard`.
   */
  match(partition: string | undefined, worn: (e: Entry<S>) => boolean, discard: (e: Entry<S>) => void): Entry<S> | undefined {
    for (let i = this.list.length - 1; i >= 0; i--) {
      const e = this.list[i] as Entry<S>
      if (e.partition !== partition && !(e.partition === undefined && e.uses === 0)) continue
      this.list.splice(i, 1)
      if (worn(e)) {
        discard(e)
        continue
      }
      e.partition = partition
      return e
    }
    return undefined
  }
}

/**
 * The leases a pool has handed out: one frozen lease object per hand-out, so that a stale
 * lease can never release a state that was reused meanwhile; and the hand-out counters.
 */
export class LeaseBook<S> {
  acquired = 0
  /** Time callers waited for their states (ms). */
  waitTotal = 0
  waitMax = 0

  /** Hands `entry` out after the caller waited `waited` ms. */
  lend(entry: Entry<S>, waited: number): Lease<S> {
    this.acquired++
    this.waitTotal += waited
    if (waited > this.waitMax) this.waitMax = waited
    const lease = new HandOut(this, entry)
    entry.lease = lease
    return lease
  }

  /** The entry of a lease given back, counted as used; undefined for a lease already returned. */
  redeem(lease: Lease<S>): Entry<S> | undefined {
    const entry = HandOut.entryOf(this, lease)
    // a lease is good once, at its own pool, and only while it is its state's latest
    if (!entry || entry.lease !== lease) return undefined
    entry.lease = undefined
    entry.uses++
    return entry
  }
}

// --- internal ---

/**
 * A lease as handed out: frozen, and holding its entry in a private field that only this
 * module reads (a lease the caller built or copied has none). Cheaper than a WeakMap from
 * lease to entry, which cost a tenth of a tiny execution.
 */
class HandOut<S> implements Lease<S> {
  readonly state: S
  readonly partition: string | undefined
  readonly uses: number
  readonly #book: LeaseBook<S>
  readonly #entry: Entry<S>

  constructor(book: LeaseBook<S>, entry: Entry<S>) {
    this.state = entry.state
    this.partition = entry.partition
    this.uses = entry.uses
    this.#book = book
    this.#entry = entry
    Object.freeze(this)
  }

  /** The entry behind a lease `book` handed out; undefined for anything else. */
  static entryOf<S>(book: LeaseBook<S>, lease: Lease<S>): Entry<S> | undefined {
    // a brand check: an object made with HandOut's prototype but not by it has no fields
    if (typeof lease !== 'object' || lease === null || !(#book in lease)) return undefined
    const own = lease as unknown as HandOut<S>
    return own.#book === book ? own.#entry : undefined
  }
}
