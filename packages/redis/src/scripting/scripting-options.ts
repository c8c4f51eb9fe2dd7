import { InvalidArgumentError } from '@polyhost/core'
import { kindOf, type RedisArg } from './command-args.js'

/**
 * What createRedisScripting() and eval() accept, checked where it is given: a JS caller (or
 * a store looked up by a tenant id that has none) gets an InvalidArgumentError naming the
 * option at once, not a TypeError from inside the first command.
 */

/** Checks createRedisScripting()'s options: an object with a RedisStore as `store`, `onLog` a function if given. */
export function checkScriptingOptions(options: unknown): void {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(
      `createRedisScripting: options must be an object with a store, e.g. { store: memoryStore() } (got ${kindOf(options)})`,
    )
  }
  const { store, onLog } = options as { store?: unknown; onLog?: unknown }
  const s = store as Record<string, unknown> | null | undefined
  if (
    typeof s !== 'object' ||
    s === null ||
    typeof s.execute !== 'function' ||
    typeof s.describe !== 'function' ||
    typeof s.now !== 'function'
  ) {
    throw new InvalidArgumentError(
      `createRedisScripting: options.store must be a RedisStore (describe, execute, now), e.g. memoryStore() (got ${kindOf(store)}${s ? ' without them' : ''})`,
    )
  }
  if (onLog !== undefined && typeof onLog !== 'function') {
    throw new InvalidArgumentError(`createRedisScripting: options.onLog must be a function (got ${kindOf(onLog)})`)
  }
}

/**
 * `redis.log`'s sink: calls the host's `onLog`, and ignores its failure, a synchronous throw
 * or the rejection of a promise it returns (an async logger), as Redis's `redis.log` never
 * fails: the script goes on, the host's exception text never reaches it, and a rejected
 * promise is never left unhandled (which would end the host process under Node's defaults).
 */
export function hostLog(onLog: ((level: number, message: string) => unknown) | undefined): (level: number, message: string) => void {
  return (level, message) => {
    if (!onLog) return
    try {
      const result = onLog(level, message)
      if (typeof (result as PromiseLike<unknown> | undefined)?.then === 'function') {
        Promise.resolve(result).catch(() => undefined)
      }
    } catch {
      // ignored: see above
    }
  }
}

/** `EVAL source numkeys ...keys ...args` from eval()'s input; `keys` and `args` must be arrays. */
export function evalArgv(source: string, input: { keys?: readonly RedisArg[]; args?: readonly RedisArg[] }): RedisArg[] {
  if (typeof input !== 'object' || input === null)
    throw new InvalidArgumentError(`eval(): input must be an object { keys?, args? } (got ${kindOf(input)})`)
  const { keys = [], args = [] } = input
  for (const [name, list] of [
    ['keys', keys],
    ['args', args],
  ] as const) {
    if (!Array.isArray(list)) throw new InvalidArgumentError(`eval(): ${name} must be an array (got ${kindOf(list)})`)
  }
  return ['EVAL', source, String(keys.length), ...keys, ...args]
}
