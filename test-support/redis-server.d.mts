/** A redis-server started for a test file (see redis-server.mjs). */
export interface RedisServer {
  readonly port: number
  /** Ends the server; resolves once it has exited. */
  stop(): Promise<void>
}

/** The redis-server binary: `REDIS_SERVER`, else Debian's. */
export declare const REDIS_SERVER: string
/** Whether that binary is installed. */
export declare const hasRedisServer: boolean
/** Starts a redis-server on a free loopback port, without persistence; resolves once it accepts connections. */
export declare function startRedisServer(): Promise<RedisServer>
/** A TCP port free on 127.0.0.1 at the time of asking. */
export declare function freePort(): Promise<number>
