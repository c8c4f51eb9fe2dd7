import type { EngineEnvironment } from '@polyhost/core/engine'
import { LRUCache } from 'lru-cache'
import type { JsState } from './js-state.js'
import type { StateSnapshot } from './state-snapshot.js'

/**
 * Full set-ups of one shape before the next one is also snapshotted. One by default, so a
 * process that only ever needs one state (and cold start) pays nothing for snapshots;
 * `POLYHOST_JS_SNAPSHOTS=eager` snapshots the first one (tests run every suite on copies).
 */
const SETUPS_BEFORE_SNAPSHOT = process.env.POLYHOST_JS_SNAPSHOTS === 'eager' ? 0 : 1
/** Shapes remembered per QuickJS variant; a snapshot holds a few hundred KiB. */
const MAX_SHAPES = 32

interface Entry {
  setups: number
  snapshot: StateSnapshot<JsState> | undefined
  /** The shape cannot be copied faithfully: every state of it runs the whole set-up. */
  refused: boolean
  /** A set-up being snapshotted now: states made meanwhile do not take another. */
  taking: boolean
}

/**
 * Snapshots of set-up states, one per state shape (policy fingerprint, init script and the
 * bridge methods a state shows), shared by every engine of the process that uses the same
 * QuickJS variant: states of one shape are byte-for-byte interchangeable at baseline, and
 * everything a state binds to its host (bridge handlers, modules, the execution) is looked
 * up per execution, never stored in the guest.
 */
export class SnapshotStore {
  private static readonly byVariant = new WeakMap<object, SnapshotStore>()
  private readonly entries = new LRUCache<string, Entry>({ max: MAX_SHAPES })
  /** States restored from a snapshot (for stats and tests). */
  restored = 0

  /** The store of a QuickJS variant (`variant` is its identity: the variant object). */
  static shared(variant: object): SnapshotStore {
    let store = SnapshotStore.byVariant.get(variant)
    if (!store) SnapshotStore.byVariant.set(variant, (store = new SnapshotStore()))
    return store
  }

  /** The snapshot new states of this shape start from, if there is one yet. */
  get(shape: string): StateSnapshot<JsState> | undefined {
    return this.entries.get(shape)?.snapshot
  }

  /**
   * Whether the next full set-up of this shape should be snapshotted; a true answer holds
   * until `record`, so concurrent set-ups (a pool warming up) do not each take one.
   */
  due(shape: string): boolean {
    const e = this.entry(shape)
    const due = !e.refused && !e.taking && e.snapshot === undefined && e.setups >= SETUPS_BEFORE_SNAPSHOT
    if (due) e.taking = true
    return due
  }

  /** Counts a full set-up of this shape and keeps its snapshot, or notes that it had none. */
  record(shape: string, snapshot: StateSnapshot<JsState> | undefined, attempted: boolean): void {
    const e = this.entry(shape)
    e.setups++
    if (attempted) e.taking = false
    if (snapshot) e.snapshot = snapshot
    else if (attempted) e.refused = true
  }

  /** A set-up `due` answered for failed: the next one may take the snapshot. */
  abandon(shape: string): void {
    this.entry(shape).taking = false
  }

  // --- internal ---

  private entry(shape: string): Entry {
    let e = this.entries.get(shape)
    if (!e) this.entries.set(shape, (e = { setups: 0, snapshot: undefined, refused: false, taking: false }))
    return e
  }
}

/**
 * The shape states are made for now: what decides their baseline memory. Bridge handlers
 * are not part of it (a bridge call finds its handler through the execution).
 */
export function shapeOf(env: EngineEnvironment, initScript: string | undefined): string {
  const paths = env.bridges
    .visible(env.security)
    .map((m) => m.path)
    .sort()
  return JSON.stringify([env.security.fingerprint, initScript ?? null, paths])
}
