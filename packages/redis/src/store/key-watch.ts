import type { Keyspace, RedisValue } from './keyspace.js'

/** Keys one WATCH registered: whether any of them was modified since. */
export interface KeyWatch {
  /** True once a watched key was modified (written, deleted, expired, given a TTL...). */
  changed(): boolean
  /** Stops watching (EXEC, DISCARD, UNWATCH). */
  release(): void
}

/**
 * WATCH for the memory store. Redis marks a watched key dirty whenever a command signals a
 * modification of it; here a watched key's state (its value object, the value objects
 * inside a collection, its TTL) is compared with the state at WATCH after every write
 * command and at EXEC. Commands store new objects for what they write (a `SET` of the
 * same text makes a new value), so writing the same value again counts as a change, as in
 * Redis, while a write that changes nothing (`SADD` of a present member, `SREM` of a
 * missing one, `ZADD` with the same score) does not, as Redis signals none for it either.
 * The few commands Redis signals even when the key's state ends as it was (an expiry set
 * to the deadline the key has, `LTRIM` keeping every element, `LMOVE` of a list onto
 * itself) call `Keyspace.signal`, which marks the key modified outright.
 * A key that expires counts as modified (Redis 7.0 deletes it and signals it, or finds it
 * expired at EXEC). Only watched keys are compared, so with no WATCH active this costs nothing.
 */
export class KeyWatches {
  private readonly active = new Set<Watch>()

  constructor(private readonly ks: Keyspace) {}

  /** Starts watching `keys` (latin1 key strings) at the current state. */
  watch(keys: readonly string[]): KeyWatch {
    const w: Watch = { states: new Map(keys.map((k) => [k, stateOf(this.ks, k)])), dirty: false }
    this.active.add(w)
    return {
      changed: () => {
        this.check(w)
        return w.dirty
      },
      release: () => {
        this.active.delete(w)
      },
    }
  }

  /** After a write command: marks every watch whose keys changed or were signalled. */
  afterWrite(): void {
    const signalled = this.ks.signalled
    for (const w of this.active) {
      if (signalled.size > 0 && !w.dirty) {
        for (const key of signalled) if (w.states.has(key)) w.dirty = true
      }
      this.check(w)
    }
    signalled.clear()
  }

  // --- internal ---

  private check(w: Watch): void {
    if (w.dirty) return
    for (const [key, before] of w.states) {
      if (!sameState(before, stateOf(this.ks, key))) {
        w.dirty = true
        return
      }
    }
  }
}

// --- internal ---

interface Watch {
  readonly states: ReadonlyMap<string, readonly unknown[]>
  dirty: boolean
}

/** The objects and numbers that make up a key's state; any modification changes one of them. */
function stateOf(ks: Keyspace, key: string): readonly unknown[] {
  const v: RedisValue | undefined = ks.get(key)
  if (!v) return []
  const out: unknown[] = [v, v.value, ks.expiresAt(key)]
  switch (v.type) {
    case 'hash':
      for (const [f, x] of v.value) out.push(f, x)
      break
    case 'list':
      for (const x of v.value) out.push(x)
      break
    case 'set':
      for (const x of v.value) out.push(x)
      break
    case 'zset':
      for (const x of v.value.entries()) out.push(x)
      break
    case 'stream':
      out.push(v.value.lastId)
      for (const x of v.value.entries) out.push(x)
      break
  }
  return out
}

function sameState(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
