// Over 250 lines: the keyspace's one class (lookups, expiry, counting, WATCH signals, in-place string ownership)
import { touchValue } from './idle-times.js'
import { KeyOrder } from './key-order.js'
import { RedisList } from './redis-list.js'
import { SortedSet } from './sorted-set.js'
import { entryBytes, HashValue, SetValue } from './store-usage.js'
import { stringBytes } from './string-room.js'
import { Stream } from './stream.js'
import { CommandError, ERR, exactNumber } from './replies.js'

/** The value types a key can hold, named as TYPE answers. */
export type RedisValue =
  | { readonly type: 'string'; value: Buffer; readonly form?: StringForm }
  | { readonly type: 'hash'; readonly value: HashValue }
  | { readonly type: 'list'; readonly value: RedisList }
  | { readonly type: 'set'; readonly value: SetValue }
  | { readonly type: 'zset'; readonly value: SortedSet }
  | { readonly type: 'stream'; readonly value: Stream }

/**
 * How Redis made a string value when not from a command's argument, which it encodes by its
 * bytes (`tryObjectEncoding`: int, embstr up to 44 bytes, raw): `raw` once grown in place
 * (APPEND to an existing key, SETRANGE), `text` when made from a float's text (INCRBYFLOAT:
 * embstr up to 44 bytes, never int). OBJECT ENCODING answers it (object-encoding.ts).
 */
export type StringForm = 'raw' | 'text'

export type RedisType = RedisValue['type']
interface ValueTypes {
  string: Buffer
  hash: HashValue
  list: RedisList
  set: SetValue
  zset: SortedSet
  stream: Stream
}
type ValueOf<T extends RedisType> = ValueTypes[T]

/** A source of "now" in epoch milliseconds. */
export type Clock = () => number

/**
 * Keys, their values and their expiry times. Keys are byte strings held one char per byte
 * (latin1). An expired key is removed when it is next touched, as Redis does lazily; the
 * time used is the command's (or the script's, frozen at its start: `now`).
 */
export class Keyspace {
  private data = new Map<string, RedisValue>()
  /** Expiry times in epoch ms; bigints beyond 2^53, as Redis keeps any 64-bit time. */
  private expires = new Map<string, number | bigint>()
  /** Creation order of the keys, for SCAN's cursor. */
  private order = new KeyOrder()
  /** Keys looked up since the last `settle()` (repeats included): the only ones whose size can have changed. */
  private touched: string[] = []
  /** What each key counted at the last `settle()` (store-usage.ts). */
  private counted = new Map<string, number>()
  /** The bytes this database's keys counted at the last `settle()`. */
  private used = 0
  /** The databases of the store this one belongs to, by index (itself alone when made on its own): SELECT, MOVE, SWAPDB. */
  databases: readonly Keyspace[] = [this]
  /**
   * "Now" for expiry checks (key lookups); set by the store around each command. Inside a
   * script it stays at the script's start, as Redis 7.0's `lua_time_snapshot`.
   */
  now: number
  /**
   * The time the running command reads where Redis 7.0 calls `mstime()`: TIME, TTL/PTTL,
   * relative expiries (`EX`, `PEXPIRE`...), expiry times already past, XADD's `*` ID. The
   * store's clock, inside a script too (Redis 7.2 freezes these as well; 7.0 does not).
   */
  time: number
  /**
   * Keys the running command signalled as modified (Redis's `signalModifiedKey`) where their
   * state may look unchanged (an expiry set to the one the key has, an LTRIM keeping every
   * element); WATCH reads and clears them after each write command.
   */
  readonly signalled = new Set<string>()
  /**
   * Keys the running command created or changed without signalling them, as Redis's BITFIELD
   * whose every write failed under OVERFLOW FAIL still creates or zero-pads its key: WATCH
   * takes their new state as the one it watches where it watched the entry the command found
   * (not a key that expired on the way, which Redis signals), unless also signalled.
   */
  readonly unsignalled = new Map<string, RedisValue | undefined>()
  /** Set by `flush()`: every key may have changed; WATCH reads and clears it after each write command. */
  flushed = false
  /** Whether the running command comes from a script (a `now` was given to the store); SORT reads it. */
  fromScript = false
  /** The running command's name as its caller spelled it (GEOSEARCH's errors quote it). */
  commandName: Buffer = Buffer.alloc(0)
  /**
   * String values whose bytes no one but the store holds (no reply, script, view or other key
   * has them), which the bit commands and SETRANGE may write in place (bit-string.ts). Any
   * lookup through `get` (the way every command reaches a value) removes its value from here,
   * so bytes handed out are copied once before the next write inside them.
   */
  private readonly exclusive: WeakSet<Buffer>
  /** Set while `peek` looks a key up: the value's idle time stays as it is (idle-times.ts). */
  private noTouch = false
  /** The store's `maxBytes` (memory-store.ts), which `admit()` checks a command's growth against. */
  maxBytes = Number.POSITIVE_INFINITY

  /** `time` in whole ms as a bigint, for Redis's 64-bit time arithmetic. */
  get timeMs(): bigint {
    return BigInt(Math.floor(this.time))
  }

  /** `shared`: what the databases of one store share (the bytes all their keys count, the exclusive strings); a new one by default. */
  constructor(
    readonly clock: Clock,
    private readonly shared: SharedUsage = { bytes: 0, exclusive: new WeakSet() },
  ) {
    this.now = clock()
    this.time = this.now
    this.startedAt = this.now
    this.exclusive = shared.exclusive
  }

  /** The clock when the keyspace was made: a store's start, which LASTSAVE answers (nothing is ever saved). */
  readonly startedAt: number

  /** Live keys that have an expiry time (INFO keyspace's `expires=`); their idle times stay as they are. */
  expiringCount(): number {
    let n = 0
    for (const k of [...this.expires.keys()]) if (this.peek(k)) n++
    return n
  }

  /** Bytes the keys of every database of the store counted at the last `settle()` (store-usage.ts): `maxBytes` bounds these. */
  get usedBytes(): number {
    return this.shared.bytes
  }

  /** Refuses (OOM) growing the keys by `bytes` past `maxBytes` before a command allocates them: an offset asks for up to 512 MB. */
  admit(bytes: number): void {
    if (bytes > 0 && this.shared.bytes + bytes > this.maxBytes) throw new CommandError(ERR.oom)
  }

  /**
   * Database `index` of the store (undefined when out of range), set to this command's
   * times, for the commands that reach another database (MOVE, COPY ... DB, SWAPDB, FLUSHALL).
   */
  database(index: number): Keyspace | undefined {
    const db = this.databases[index]
    if (db) {
      db.now = this.now
      db.time = this.time
      db.fromScript = this.fromScript
    }
    return db
  }

  /** Keys looked up since the last `settle()`, repeats included (WATCH checks these after a write). */
  get touchedKeys(): readonly string[] {
    return this.touched
  }

  /** Counts again the keys looked up since the last call (after each command). */
  settle(): void {
    for (const key of this.touched) {
      const v = this.data.get(key)
      const now = v ? entryBytes(key, valueBytes(v)) : 0
      const before = this.counted.get(key) ?? 0
      if (now === before) continue
      this.used += now - before
      this.shared.bytes += now - before
      if (now === 0) this.counted.delete(key)
      else this.counted.set(key, now)
    }
    this.touched.length = 0
  }

  /** The live value of `key`, if any. */
  get(key: string): RedisValue | undefined {
    this.touched.push(key)
    const at = this.expires.get(key)
    // Redis's keyIsExpired: `now > when` — a key lives through its expiry millisecond
    if (at !== undefined && at < Math.floor(this.now)) {
      this.data.delete(key)
      this.expires.delete(key)
      this.order.remove(key)
      return undefined
    }
    const v = this.data.get(key)
    if (v?.type === 'string') this.exclusive.delete(v.value)
    if (v && !this.noTouch) touchValue(v, this.time)
    return v
  }

  /** As `get`, for a lookup Redis makes with LOOKUP_NOTOUCH (TYPE, EXISTS, TTL, OBJECT): the value's idle time stays. */
  peek(key: string): RedisValue | undefined {
    this.noTouch = true
    try {
      return this.get(key)
    } finally {
      this.noTouch = false
    }
  }

  /**
   * As `get`, for a command that reads or writes a string's bytes but hands none of them out
   * nor keeps them (the bit commands, SETRANGE): a value only the store held stays so.
   */
  getUnshared(key: string): RedisValue | undefined {
    const before = this.data.get(key)
    const kept = before?.type === 'string' && this.exclusive.has(before.value)
    const v = this.get(key)
    if (kept && v === before) this.exclusive.add(before.value)
    return v
  }

  /** Whether only the store holds `value`'s bytes (writable in place): see `getUnshared`. */
  isExclusive(value: Buffer): boolean {
    return this.exclusive.has(value)
  }

  /** Records that only the store holds `value`'s bytes (all of its ArrayBuffer): a command just made or wrote them in place. */
  markExclusive(value: Buffer): void {
    this.exclusive.add(value)
  }

  /** The value of `key` when it holds `type`; undefined when missing; WRONGTYPE otherwise. */
  read<T extends RedisType>(key: string, type: T): ValueOf<T> | undefined {
    const v = this.get(key)
    if (!v) return undefined
    if (v.type !== type) throw new CommandError(ERR.wrongType)
    return v.value as ValueOf<T>
  }

  /** The value of `key`, created empty when missing; WRONGTYPE when it holds another type. */
  write<T extends Exclude<RedisType, 'string'>>(key: string, type: T): ValueOf<T> {
    const existing = this.read(key, type)
    if (existing) return existing as ValueOf<T>
    const value = emptyOf(type)
    const entry = { type, value } as RedisValue
    touchValue(entry, this.time)
    this.data.set(key, entry)
    this.order.add(key)
    return value as ValueOf<T>
  }

  /** Sets a value, dropping any expiry unless `keepTtl`. */
  set(key: string, value: RedisValue, keepTtl = false): void {
    this.get(key)
    touchValue(value, this.time)
    this.data.set(key, value)
    this.order.add(key)
    if (!keepTtl) this.expires.delete(key)
  }

  /** Removes `key`; true when it existed. */
  delete(key: string): boolean {
    const existed = this.get(key) !== undefined
    this.data.delete(key)
    this.expires.delete(key)
    this.order.remove(key)
    return existed
  }

  /** Removes `key` when its collection became empty (Redis never keeps empty collections). */
  dropIfEmpty(key: string): void {
    const v = this.data.get(key)
    if (!v || v.type === 'string' || v.type === 'stream') return
    const size = v.type === 'list' ? v.value.length : v.value.size
    if (size === 0) this.delete(key)
  }

  /** Marks `key` modified for WATCH, whatever its state after the command. */
  signal(key: string): void {
    this.signalled.add(key)
  }

  /** Expiry time in epoch ms (a bigint beyond 2^53), or undefined when the key is persistent. */
  expiresAt(key: string): number | bigint | undefined {
    return this.expires.get(key)
  }

  /** Sets (or clears with undefined) the expiry time of an existing key. */
  setExpiry(key: string, at: number | bigint | undefined): void {
    if (at === undefined) this.expires.delete(key)
    else this.expires.set(key, typeof at === 'bigint' ? exactNumber(at) : at)
  }

  /** Live keys, in insertion order. */
  keys(): string[] {
    const out: string[] = []
    for (const k of [...this.data.keys()]) if (this.get(k)) out.push(k)
    return out
  }

  /** RANDOMKEY: a live key drawn at random (an expired one drawn is deleted and another drawn, as Redis's `dbRandomKey`). */
  randomKey(): string | undefined {
    for (;;) {
      const key = this.order.random()
      if (key === undefined || this.get(key)) return key
    }
  }

  /** SCAN's page: up to `count` keys from `cursor` in creation order, and the next cursor (0: done). */
  scanPage(cursor: number, count: number): { keys: string[]; next: number } {
    return this.order.page(cursor, count)
  }

  /** Removes every key. */
  flush(): void {
    this.data.clear()
    this.expires.clear()
    this.order.clear()
    this.touched = []
    this.counted.clear()
    this.shared.bytes -= this.used
    this.used = 0
    this.flushed = true
  }

  /**
   * SWAPDB: this database and `other` exchange their keys (values, expiries, SCAN orders and
   * counts); each then counts as flushed for WATCH, whose watches stay with the index, as
   * Redis's `touchAllWatchedKeysInDb`. Both must be settled.
   */
  swapWith(other: Keyspace): void {
    ;[this.data, other.data] = [other.data, this.data]
    ;[this.expires, other.expires] = [other.expires, this.expires]
    ;[this.order, other.order] = [other.order, this.order]
    ;[this.counted, other.counted] = [other.counted, this.counted]
    ;[this.used, other.used] = [other.used, this.used]
    this.flushed = true
    other.flushed = true
  }

  /** MOVE: puts `key`'s value, found live here, into `to` with its expiry, and removes it here. */
  moveTo(key: string, to: Keyspace): void {
    const [v, at] = this.take(key)
    to.get(key)
    to.put(key, v, at)
  }

  /** Renames a key with its expiry. */
  rename(from: string, to: string): void {
    const [v, at] = this.take(from)
    this.delete(to)
    this.put(to, v, at)
  }

  /** Removes a live key, handing back its value and expiry. */
  private take(key: string): [RedisValue, number | bigint | undefined] {
    const v = this.data.get(key) as RedisValue
    const at = this.expires.get(key)
    this.delete(key)
    return [v, at]
  }

  private put(key: string, v: RedisValue, at: number | bigint | undefined): void {
    this.data.set(key, v)
    this.order.add(key)
    if (at !== undefined) this.expires.set(key, at)
  }
}

/** What the databases of one store share. */
export interface SharedUsage {
  /** Bytes the keys of every database counted at their last `settle()`. */
  bytes: number
  /** String values only the store holds, wherever they are (a value moves between databases with MOVE and SWAPDB). */
  readonly exclusive: WeakSet<Buffer>
}

// --- internal ---

function emptyOf(type: RedisType): unknown {
  switch (type) {
    case 'hash':
      return new HashValue()
    case 'list':
      return new RedisList()
    case 'set':
      return new SetValue()
    case 'zset':
      return new SortedSet()
    case 'stream':
      return new Stream()
    default:
      return Buffer.alloc(0)
  }
}

function valueBytes(v: RedisValue): number {
  return v.type === 'string' ? stringBytes(v.value) : (v.value as { bytes: number }).bytes
}
