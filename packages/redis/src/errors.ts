/**
 * An error reply from Redis (or from the embedded keyspace), with Redis's message byte for
 * byte, as ioredis rejects with a `ReplyError`.
 */
export class ReplyError extends Error {
  override readonly name = 'ReplyError'
  /** Stable code for hosts: always `E_REDIS_REPLY`. */
  readonly code = 'E_REDIS_REPLY'
}
