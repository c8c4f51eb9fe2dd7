import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { createRedisScripting, ErrorReply, memoryStore, type RedisArg, type RedisScripting, type Reply } from '@polyhost/redis'
import { timeoutMs as parseTimeoutMs } from './args.js'
import { EXIT, UsageError } from './exit-codes.js'
import { INPUT_FILE_BYTES } from './inputs.js'
import { type CliIO, printJsonLine } from './output.js'
import { readInputFile } from './read-input.js'
import { decodeUtf8 } from '@polyhost/core'
import { formatReply, replyJson, splitCommandLine } from './redis-reply.js'

export const REDIS_USAGE = `Usage: polyhost redis [options] <command...>
  Redis 7.0 commands and scripts (EVAL, FUNCTION, FCALL...) on an in-memory keyspace.
  polyhost redis [options] SET k v              one command
  polyhost redis [options] eval <script> [--keys k ...] [--args a ...]
  polyhost redis [options] eval --file f.lua [--keys k ...] [--args a ...]
  polyhost redis [options] run <file>            each line of the file is a command
Options (before the command):
  --data <file>      commands run first to seed the keyspace: one per line (redis-cli
                     quoting: "a b", 'c', \\n, \\xHH), or a .json array of argv arrays
  --timeout <ms>     a script's time limit (default 5000)
  --json             replies as JSON (bytes that are not UTF-8 as { "hex": ... })
Replies print as redis-cli prints them; an error reply exits 1, a limit 3.`

/**
 * `polyhost redis`: runs Redis commands and scripts on `memoryStore()` (seeded with
 * `--data`), printing each reply as redis-cli does, or as JSON.
 */
export async function redisCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { options, command } = splitOptions(argv)
  const v = parse(options)
  if (v.help || command.length === 0) {
    io.stdout(`${REDIS_USAGE}\n`)
    return command.length === 0 && !v.help ? EXIT.usage : EXIT.ok
  }
  const timeoutMs = v.timeout === undefined ? undefined : parseTimeout(v.timeout)
  // every file is read (and refused) before the scripting host is built
  const seed = v.data ? await readCommands(v.data, io) : []
  const commands = await commandsOf(command, io)
  const redis = await createRedisScripting({ store: memoryStore(), limits: timeoutMs ? { timeoutMs } : {} })
  try {
    if (v.data) {
      for (const c of seed) {
        const r = await redis.reply(c)
        if (isError(r)) throw new UsageError(`redis: --data ${v.data}: ${String(c[0])}: ${r.message}`)
      }
    }
    return await runAll(redis, commands, io, v.json === true)
  } finally {
    await redis.close()
  }
}

// --- internal ---

const VALUE_OPTIONS = new Set(['--data', '--timeout'])

/** Options end at the first word that is not one: Redis arguments may start with '-' (`-inf`). */
function splitOptions(argv: readonly string[]): { options: string[]; command: string[] } {
  let i = 0
  while (i < argv.length && (argv[i] as string).startsWith('-'))
    i += VALUE_OPTIONS.has((argv[i] as string).split('=')[0] as string) && !(argv[i] as string).includes('=') ? 2 : 1
  return { options: argv.slice(0, i), command: argv.slice(i) }
}

/** `--timeout`: a positive integer of ms a Node timer holds; anything else is a bad flag (exit 2). */
function parseTimeout(text: string): number {
  try {
    return parseTimeoutMs('--timeout', text)
  } catch (e) {
    throw new UsageError(`redis: ${(e as Error).message}`)
  }
}

function parse(options: string[]) {
  try {
    return parseArgs({
      args: options,
      strict: true,
      allowPositionals: false,
      options: { data: { type: 'string' }, timeout: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    }).values
  } catch (e) {
    throw new UsageError(`redis: ${(e as Error).message}`)
  }
}

/** `eval` and `run` are this command's own forms; anything else is one Redis command. */
async function commandsOf(command: string[], io: CliIO): Promise<RedisArg[][]> {
  const verb = command[0]?.toLowerCase()
  if (verb === 'run') {
    if (command.length !== 2) throw new UsageError('redis: run takes one file')
    return readCommands(command[1] as string, io)
  }
  // `eval <script>` alone is this command's form with no keys (Redis's EVAL always needs numkeys)
  const own = command.length === 2 || command.slice(1).some((a) => a.startsWith('--'))
  if (verb !== 'eval' || !own) return [command]
  let v: { file?: string; keys?: string[]; args?: string[] }
  let positionals: string[]
  try {
    ;({ values: v, positionals } = parseArgs({
      args: command.slice(1),
      strict: true,
      allowPositionals: true,
      options: { file: { type: 'string' }, keys: { type: 'string', multiple: true }, args: { type: 'string', multiple: true } },
    }))
  } catch (e) {
    throw new UsageError(`redis eval: ${(e as Error).message}`)
  }
  if ((v.file === undefined) === (positionals.length !== 1)) throw new UsageError('redis eval: give the script as one argument or --file')
  const source = v.file === undefined ? (positionals[0] as string) : await readText(v.file, io)
  const keys = v.keys ?? []
  return [['EVAL', source, String(keys.length), ...keys, ...(v.args ?? [])]]
}

async function runAll(redis: RedisScripting, commands: RedisArg[][], io: CliIO, json: boolean): Promise<number> {
  let code: number = EXIT.ok
  for (const c of commands) {
    const r: Reply = await redis.reply(c)
    if (json) printJsonLine(io, replyJson(r))
    else io.stdout(formatReply(r))
    if (isError(r)) code = EXIT.scriptError
  }
  return code
}

function isError(r: Reply): r is ErrorReply {
  return r instanceof ErrorReply
}

async function readCommands(file: string, io: CliIO): Promise<RedisArg[][]> {
  const text = await readText(file, io)
  if (file.endsWith('.json')) {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (e) {
      throw new UsageError(`redis: ${file}: ${(e as Error).message}`)
    }
    if (
      !Array.isArray(parsed) ||
      !parsed.every((c) => Array.isArray(c) && c.length > 0 && c.every((a) => typeof a === 'string' || typeof a === 'number'))
    ) {
      throw new UsageError(`redis: ${file}: expected an array of commands, each an array of strings`)
    }
    return parsed.map((c: (string | number)[]) => c.map(String))
  }
  const out: RedisArg[][] = []
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue
    const argv = splitCommandLine(line)
    if (!argv) throw new UsageError(`redis: ${file}:${i + 1}: unbalanced quotes`)
    out.push(argv)
  }
  return out
}

/**
 * A `--data`, `run` or `eval --file` file: a regular file of at most INPUT_FILE_BYTES, in
 * UTF-8 (bytes that are not go in as `\xHH`), else a UsageError.
 */
async function readText(file: string, io: CliIO): Promise<string> {
  const bytes = await readInputFile(resolve(io.cwd, file), { maxBytes: INPUT_FILE_BYTES, shown: file, what: 'redis' })
  return decodeUtf8(bytes, file, 'redis')
}
