import { extname, resolve } from 'node:path'
import { createHost, type EnginePlugin, type ExecutionResult, type LogEntry, type Logger } from '@polyhost/core'
import { jsEngine } from '@polyhost/engine-js'
import { luaEngine } from '@polyhost/engine-lua'
import { withLogSlot, withRunLogs } from '@polyhost/playground'
import { type CliOptions, parseCli, USAGE } from './args.js'
import { closedPipeWriter } from './closed-pipe.js'
import { describeError, EXIT, exitCodeFor, UsageError } from './exit-codes.js'
import { readJsonObject, readScriptFile, readScriptStdin, sourceLimit } from './inputs.js'
import { type CliIO, printError, printJson, printLogs, printPretty } from './output.js'
import { playgroundCommand } from './playground-command.js'
import { assertReadableStdin, readStreamAtMost } from './read-input.js'
import { redisCommand } from './redis-command.js'
import { escapeForTerminal } from './terminal-text.js'
import { typesCommand } from './types-command.js'

const defaultIO: CliIO = {
  // a reader that stops early (`| head`) ends the output, not the run (closed-pipe.ts)
  stdout: closedPipeWriter(process.stdout),
  stderr: closedPipeWriter(process.stderr),
  readStdin: async (maxBytes) => {
    // before process.stdin is touched: a directory would read as empty, a closed stdin as /dev/null
    assertReadableStdin(0, 'eval')
    return readStreamAtMost(process.stdin, maxBytes)
  },
  cwd: process.cwd(),
}

/**
 * Runs the `polyhost` command and returns its exit code (0 ok, 1 script error, 2 usage,
 * 3 limit exceeded, 4 policy refusal). Errors print as one line (or JSON under `--json`),
 * after the lines the script printed before failing. Script text is escaped for the terminal.
 *
 * @example
 * process.exitCode = await main(['eval', '--lang', 'lua', 'return 1 + 1'])
 */
export async function main(argv: readonly string[], io: CliIO = defaultIO): Promise<number> {
  let opts: CliOptions | undefined
  const run: RunState = { language: undefined, logs: () => [] }
  try {
    if (argv[0] === 'types') return await typesCommand(argv.slice(1), io)
    if (argv[0] === 'playground') return await playgroundCommand(argv.slice(1), io)
    if (argv[0] === 'redis') return await redisCommand(argv.slice(1), io)
    opts = parseCli(argv)
    if (opts.command === 'help') {
      io.stdout(`${USAGE}\n`)
      return argv.length === 0 ? EXIT.usage : EXIT.ok
    }
    const result = await runCommand(opts, io, run)
    if (opts.json) printJson(io, result, undefined)
    else if (result) printPretty(io, result, opts.stats, run.language)
    else io.stdout('ok\n')
    return EXIT.ok
  } catch (e) {
    // a command line the parser refused still answers in JSON when it asked for it
    if (opts?.json ?? asksForJson(argv)) printJson(io, undefined, e, run.logs())
    else {
      printLogs(io, run.logs())
      printError(io, e)
    }
    return exitCodeFor(e)
  }
}

// --- internal ---

const PLUGINS: readonly (() => EnginePlugin)[] = [() => luaEngine(), () => jsEngine()]
const EVAL_DEFAULT_LANG = 'lua'

/** The host's own warnings go to stderr escaped too: they can quote script text. */
function terminalLogger(io: CliIO): Logger {
  const line = (message: string, data?: unknown) =>
    io.stderr(`${escapeForTerminal(data === undefined ? message : `${message}: ${describeError(data)}`)}\n`)
  return { debug() {}, warn: line, error: line }
}

/** Whether `--json` is among the options (before a `--` that ends them). */
function asksForJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--')
  return (end < 0 ? argv : argv.slice(0, end)).includes('--json')
}

/** What the command learns while running that it needs for printing, even after a failure. */
interface RunState {
  language: string | undefined
  /** The lines the script printed, kept when it fails. */
  logs: () => readonly LogEntry[]
}

async function runCommand(o: CliOptions, io: CliIO, run: RunState): Promise<ExecutionResult | undefined> {
  const file = o.command === 'eval' ? undefined : resolve(io.cwd, o.target as string)
  const maxSource = sourceLimit(o.policy, o.limits)
  // the language first: `eval --lang 'return 1'` names the unknown language, not an empty stdin
  const picked = pickPlugin(o.lang, file)
  const text = file
    ? await readScriptFile(file, o.target as string, o.command, maxSource)
    : (o.target ?? (await readScriptStdin(io.readStdin, maxSource)))
  // a file, and stdin as `lua -` reads it, is read as its engine's file loader reads it (Lua skips
  // a '#' first line), as executeFile does; code given as an argument is a chunk, as `lua -e` takes it
  const fromFileOrStdin = file !== undefined || o.target === undefined
  const source = fromFileOrStdin && picked.fileSource ? picked.fileSource(text) : text
  const plugin = withRunLogs(picked)
  run.language = plugin.languages[0]
  const name = file ? (o.target as string).split(/[\\/]/).pop() : `eval${plugin.extensions[0] ?? ''}`
  const globals = { ...(o.globalsJson ? await readJson(io, o.globalsJson, '--globals-json') : {}), ...o.globals }
  const context = o.contextJson ? await readJson(io, o.contextJson, '--context-json') : undefined
  const host = await createHost({
    engines: [plugin],
    policy: o.policy ?? 'standard',
    limits: o.limits,
    pool: { min: 0, max: 1 },
    logger: terminalLogger(io),
  })
  try {
    const language = plugin.languages[0]
    if (o.command === 'check') {
      await host.compile({ language, source, name })
      return undefined
    }
    const execution = withLogSlot(() => host.execute({ language, source, name, globals, context }))
    run.logs = execution.logs
    return await execution.done
  } finally {
    await host.close()
  }
}

/** `--lang` wins; else the file's extension; `eval` without either is Lua, as the help says. */
function pickPlugin(lang: string | undefined, file: string | undefined): EnginePlugin {
  const plugins = PLUGINS.map((f) => f())
  if (lang === undefined && file !== undefined) {
    const ext = extname(file).toLowerCase()
    const p = plugins.find((x) => x.extensions.includes(ext))
    if (!p) throw new UsageError(`cannot tell the language of '${file.split(/[\\/]/).pop()}' from its extension; pass --lang`)
    return p
  }
  const wanted = lang ?? EVAL_DEFAULT_LANG
  const p = plugins.find((x) => x.languages.includes(wanted))
  if (!p) throw new UsageError(`unknown language '${wanted}' (known: ${plugins.flatMap((x) => x.languages).join(', ')})`)
  return p
}

function readJson(io: CliIO, file: string, flag: string): Promise<Record<string, unknown>> {
  return readJsonObject(resolve(io.cwd, file), file, flag)
}
