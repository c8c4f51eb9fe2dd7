import type { Keyspace, RedisValue } from './keyspace.js'

/** Keys one WATCH registered: whether any of them was modified since. */
export interface KeyWatch {
  /** True once a watched key was modified (written, deleted, expired, given a TTL...). */
  changed(): boolean
  /** Stops watching (EXEC, DISCARD, UNWATCH). */
  release(): void
}

/**
 * WATCH for the memory store, in O(1) per watched key as Redis's `touchWatchedKey`: after a
 * write command, only the keys it looked up (`Keyspace.touchedKeys`) are checked, and only
 * those someone watches (an index from key to its watches). A key's state is O(1) to take
 * and compare: its value object, the value inside, its TTL and the modification counter of
 * a collection (`changes`: HashValue, SetValue, RedisList, SortedSet, Stream count every
 * operation that changes an element). Commands store new objects for what they write (a
 * `SET` of the same text makes a new value), so writing the same value again counts as a
 * change, as in Redis, while a write that changes nothing (`SADD` of a present member,
 * `SREM` of a missing one, `ZADD` with the same score) leaves the counter as it was, as
 * Redis signals none for it either. The few commands Redis signals even when the key's state
 * ends as it was (an expiry set to the deadline the key has, `LTRIM` keeping every element,
 * `LMOVE` of a list onto itself) call `Keyspace.signal`, which marks the key modified
 * outright; `FLUSHALL` checks every watched key. A key that expires counts as modified
 * (Redis 7.0 deletes it and signals it, or finds it expired at EXEC): EXEC compares the
 * states of its own keys. With no WATCH active a write costs nothing here.
 */
export class KeyWatches {
  /** Watched key → the clean watches of it (a watch leaves the index once dirty). */
  private readonly byKey = new Map<string, Set<Watch>>()

  constructor(private readonly ks: Keyspace) {}

  /** Starts watching `keys` (latin1 key strings) at the current state. */
  watch(keys: readonly string[]): KeyWatch {
    const w: Watch = { states: new Map(), dirty: false }
    for (const key of keys) {
      if (w.states.has(key)) continue
      w.states.set(key, stateOf(this.ks, key))
      const watchers = this.byKey.get(key)
      if (watchers) watchers.add(w)
      else this.byKey.set(key, new Set([w]))
    }
    return {
      changed: () => {
        if (!w.dirty) for (const [key, before] of w.states) if (!sameState(before, stateOf(this.ks, key))) this.markDirty(w)
        return w.dirty
      },
      release: () => this.unindex(w),
    }
  }

  /** After a write command: marks dirty the watches of the keys it changed or signalled. */
  afterWrite(): void {
    const { signalled, unsignalled, touchedKeys } = this.ks
    if (this.byKey.size > 0) {
      for (const key of signalled) for (const w of this.byKey.get(key) ?? []) this.markDirty(w)
      for (const [key, found] of unsignalled) {
        for (const w of this.byKey.get(key) ?? []) if (w.states.get(key)?.value === found) w.states.set(key, stateOf(this.ks, key))
      }
      if (this.ks.flushed) for (const key of [...this.byKey.keys()]) this.check(key)
      // stateOf looks keys up again, which adds to touchedKeys: only the command's own are read
      else for (let i = 0, n = touchedKeys.length; i < n; i++) this.check(touchedKeys[i] as string)
    }
    // V8's Set.clear allocates a new table even when the set is empty: most writes signal nothing
    if (signalled.size > 0) signalled.clear()
    if (unsignalled.size > 0) unsignalled.clear()
    this.ks.flushed = false
  }

  // --- internal ---

  private check(key: string): void {
    const watchers = this.byKey.get(key)
    if (!watchers) return
    const now = stateOf(this.ks, key)
    for (const w of watchers) if (!sameState(w.states.get(key) as KeyState, now)) this.markDirty(w)
  }

  /** Dirty for good: it leaves the index and drops the states it held. */
  private markDirty(w: Watch): void {
    this.unindex(w)
    w.dirty = true
    w.states.clear()
  }

  private unindex(w: Watch): void {
    for (const key of w.states.keys()) {
      const watchers = this.byKey.get(key)
      watchers?.delete(w)
      if (watchers?.size === 0) this.byKey.delete(key)
    }
  }
}

// --- internal ---

interface Watch {
  readonly states: Map<string, KeyState>
  dirty: boolean
}

/** What makes up a key's state: any modification changes one of these. */
interface KeyState {
  readonly value: RedisValue | undefined
  readonly inner: unknown
  readonly changes: number
  readonly expiresAt: number | bigint | undefined
}

function stateOf(ks: Keyspace, key: string): KeyState {
  // the state keeps the string Buffer only to compare it by identity: its bytes stay writable in place
  const v = ks.getUnshared(key)
  const changes = v && v.type !== 'string' ? v.value.changes : 0
  return { value: v, inner: v?.value, changes, expiresAt: v && ks.expiresAt(key) }
}

function sameState(a: KeyState, b: KeyState): boolean {
  return a.value === b.value && a.inner === b.inner && a.changes === b.changes && a.expiresAt === b.expiresAt
}
