export { type CliOptions, parseCli, parseSize, USAGE } from './args.js'
export { describeError, EXIT, type ExitCode, exitCodeFor, UsageError } from './exit-codes.js'
export { main } from './main.js'
export type { CliIO } from './output.js'
