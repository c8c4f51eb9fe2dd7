/**
 * Redis 7.0's arities of the SCRIPT and FUNCTION subcommands (its command table), checked
 * before a subcommand runs, and when MULTI queues it: a wrong one is refused at once and the
 * transaction answers EXECABORT, as Redis does.
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

/** The container commands whose subcommands are checked, by name. */
export const SUBCOMMAND_ARITIES: ReadonlyMap<string, ReadonlyMap<string, number>> = new Map([
  ['script', SCRIPT_ARITY],
  ['function', FUNCTION_ARITY],
])
