/**
 * Redis 7.0's arities of the SCRIPT, FUNCTION and CLIENT subcommands (its command table), checked
 * when a subcommand runs (a connection refuses one before it runs or is queued, from the table
 * in script-commands.ts).
 */
export const SCRIPT_ARITY: ReadonlyMap<string, number> = new Map([
  ['debug', 3],
  ['exists', -3],
  ['flush', -2],
  ['help', 2],
  ['kill', 2],
  ['load', 3],
])

/** FUNCTION's subcommands with their arities in Redis 7.0 (the supported ones and the rest). */
export const FUNCTION_ARITY: ReadonlyMap<string, number> = new Map([
  ['delete', 3],
  ['dump', 2],
  ['flush', -2],
  ['help', 2],
  ['kill', 2],
  ['list', -2],
  ['load', -3],
  ['restore', -3],
  ['stats', 2],
])

/** CLIENT's subcommands with their arities in Redis 7.0 (SETNAME, GETNAME and ID are provided). */
export const CLIENT_ARITY: ReadonlyMap<string, number> = new Map([
  ['caching', 3],
  ['getname', 2],
  ['getredir', 2],
  ['help', 2],
  ['id', 2],
  ['info', 2],
  ['kill', -3],
  ['list', -2],
  ['no-evict', 3],
  ['pause', -3],
  ['reply', 3],
  ['setname', 3],
  ['tracking', -3],
  ['trackinginfo', 2],
  ['unblock', -3],
  ['unpause', 2],
])
