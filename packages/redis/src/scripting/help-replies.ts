import { ErrorReply, type Reply } from '../store/replies.js'
import { helpReply } from './help-texts.js'
import { SCRIPT_CONTAINERS } from './script-commands.js'

/**
 * What a container command answers here whatever this package provides of it, once the call
 * passed the command table's checks (known subcommand, arity; from a script, `noscript` too):
 * `<CONTAINER> HELP` Redis's help text, and any CLUSTER call the error of a Redis whose
 * cluster support is disabled, as a standalone redis-server's. Undefined for other calls.
 */
export function containerReply(name: string, argv: readonly Buffer[]): Reply | undefined {
  if (!SCRIPT_CONTAINERS.has(name) || argv.length < 2) return undefined
  if (name === 'cluster') return new ErrorReply('ERR This instance has cluster support disabled')
  return (argv[1] as Buffer).toString('latin1').toLowerCase() === 'help' ? helpReply(name) : undefined
}
