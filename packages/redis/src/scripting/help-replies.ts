import { type Reply, StatusReply } from '../store/replies.js'

/**
 * `SCRIPT HELP` and `FUNCTION HELP` as Redis 7.0 answers them (`addReplyHelp`): an array of
 * status lines, Redis's own text for every subcommand it has (DEBUG YES/SYNC, DUMP and
 * RESTORE too, which this package answers with an error), then HELP itself.
 */
export function helpReply(container: 'script' | 'function'): Reply {
  const lines = container === 'script' ? SCRIPT_HELP : FUNCTION_HELP
  return [
    `${container.toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`,
    ...lines,
    'HELP',
    '    Prints this help.',
  ].map((line) => new StatusReply(line))
}

/**
 * `SCRIPT HELP` and `FUNCTION HELP` from a script: the one subcommand of either that Redis
 * does not flag `noscript`. Asked once the command passed the script path's checks
 * (`script-commands.ts`: known, arity, `noscript`); undefined for any other command.
 */
export function scriptingHelpFromScript(name: string, args: readonly Buffer[]): Reply | undefined {
  if (name !== 'script' && name !== 'function') return undefined
  return (args[1] as Buffer).toString('latin1').toLowerCase() === 'help' ? helpReply(name) : undefined
}

// --- internal ---

const FLUSH_MODES = [
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
]

const SCRIPT_HELP = [
  'DEBUG (YES|SYNC|NO)',
  '    Set the debug mode for subsequent scripts executed.',
  'EXISTS <sha1> [<sha1> ...]',
  '    Return information about the existence of the scripts in the script cache.',
  'FLUSH [ASYNC|SYNC]',
  '    Flush the Lua scripts cache. Very dangerous on replicas.',
  ...FLUSH_MODES,
  '    * ASYNC: Asynchronously flush the scripts cache.',
  '    * SYNC: Synchronously flush the scripts cache.',
  'KILL',
  '    Kill the currently executing Lua script.',
  'LOAD <script>',
  '    Load a script into the scripts cache without executing it.',
]

const FUNCTION_HELP = [
  'LOAD [REPLACE] <FUNCTION CODE>',
  '    Create a new library with the given library name and code.',
  'DELETE <LIBRARY NAME>',
  '    Delete the given library.',
  'LIST [LIBRARYNAME PATTERN] [WITHCODE]',
  '    Return general information on all the libraries:',
  '    * Library name',
  '    * The engine used to run the Library',
  '    * Library description',
  '    * Functions list',
  '    * Library code (if WITHCODE is given)',
  '    It also possible to get only function that matches a pattern using LIBRARYNAME argument.',
  'STATS',
  '    Return information about the current function running:',
  '    * Function name',
  '    * Command used to run the function',
  '    * Duration in MS that the function is running',
  '    If no function is running, return nil',
  '    In addition, returns a list of available engines.',
  'KILL',
  '    Kill the current running function.',
  'FLUSH [ASYNC|SYNC]',
  '    Delete all the libraries.',
  ...FLUSH_MODES,
  '    * ASYNC: Asynchronously flush the libraries.',
  '    * SYNC: Synchronously flush the libraries.',
  'DUMP',
  '    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command',
  'RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]',
  '    Restore the libraries represented by the given payload, it is possible to give a restore policy to',
  '    control how to handle existing libraries (default APPEND):',
  '    * FLUSH: delete all existing libraries.',
  '    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.',
  '    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old',
  '      libraries with the new libraries (notice that even on this option there is a chance of failure',
  '      in case of functions name collision with another library).',
]
