import { type ParseArgsConfig, parseArgs } from 'node:util'
import { UsageError } from './exit-codes.js'

/**
 * `node:util` parseArgs for one command, with the command line's own rules: strict, and
 * every parse failure a UsageError (exit code 2) whose message names the command. Node's
 * hint about `--` before positionals is dropped: it reads as advice to pass an unknown
 * option through, which no command accepts.
 *
 * @example
 * const { values } = parseCommandArgs('types', argv, { options: { lang: { type: 'string' } } })
 */
export function parseCommandArgs<T extends Omit<ParseArgsConfig, 'args' | 'strict'>>(
  command: string | undefined,
  argv: readonly string[],
  config: T,
): ReturnType<typeof parseArgs<T & { args: string[]; strict: true }>> {
  try {
    return parseArgs({ ...config, args: [...argv], strict: true as const })
  } catch (e) {
    const message = (e instanceof Error ? e.message : String(e)).replace(/\. To specify a positional.*$/s, '')
    throw new UsageError(command === undefined ? message : `${command}: ${message}`)
  }
}
