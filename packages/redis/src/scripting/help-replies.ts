import { ErrorReply, type Reply } from '../store/replies.js'
import { commandReply } from './command-replies.js'
import { helpReply } from './help-texts.js'
import { SCRIPT_CONTAINERS } from './script-commands.js'

/**
 * What a container command answers here whatever this package provides of it, once the call
 * passed the command table's checks (known subcommand, arity; from a script, `noscript` too):
 * `<CONTAINER> HELP` Redis's help text, and any CLUSTER call the error of a Redis whose
 * cluster support is disabled, as a standalone redis-server's. Undefined for other calls.
 */
export function containerReply(name: string, argv: readonly Buffer[]): Reply | undefined {
  if (!SCRIPT_CONTAINERS.has(name)) return undefined
  if (name === 'command' && !(argv.length > 1 && (argv[1] as Buffer).toString('latin1').toLowerCase() === 'help')) return commandReply(argv)
  if (argv.length < 2) return undefined
  if (name === 'cluster') return new ErrorReply('ERR This instance has cluster support disabled')
  const sub = (argv[1] as Buffer).toString('latin1').toLowerCase()
  if (sub === 'help') return helpReply(name)
  if (name === 'pubsub') return pubsubReply(sub, argv.slice(2))
  return undefined
}

/** PUBSUB of a server no client subscribes to (SUBSCRIBE is not provided): no channels, no subscribers. */
function pubsubReply(sub: string, args: Buffer[]): Reply | undefined {
  if (sub === 'channels' || sub === 'shardchannels') return []
  if (sub === 'numpat') return 0
  if (sub === 'numsub' || sub === 'shardnumsub') return args.flatMap((channel) => [channel, 0])
  return undefined
}
