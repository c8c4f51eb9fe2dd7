import { MAX_TIMER_MS, PRESET_NAMES, type PresetName } from '@polyhost/security'
import { parseExactJson } from './exact-json.js'
import { UsageError } from './exit-codes.js'
import { parseCommandArgs } from './parse-args.js'

export type Command = 'run' | 'eval' | 'check' | 'help'

/** Every command, as the unknown-command message lists them (`types`, `playground` and `redis` are dispatched before parseCli). */
export const COMMANDS = ['run', 'eval', 'check', 'types', 'playground', 'redis'] as const

export interface CliOptions {
  readonly command: Command
  /** `run`/`check`: the file; `eval`: the code (undefined → read stdin). */
  readonly target: string | undefined
  readonly lang: string | undefined
  readonly policy: PresetName | undefined
  readonly limits: { timeoutMs?: number; instructions?: number; memoryBytes?: number }
  readonly globals: Record<string, unknown>
  readonly globalsJson: string | undefined
  readonly contextJson: string | undefined
  readonly json: boolean
  readonly stats: boolean
}

export const USAGE = `Usage:
  polyhost run <file> [options]        run a script (language from the extension)
  polyhost eval [--lang lua|js] <code> evaluate code (or '-' / no code: read stdin)
  polyhost check <file> [--lang ...]   syntax check only
  polyhost types --lang js|lua [--config host.config.mjs] [--out file]
                                       typings for script authors (.d.ts / Lua annotations)
  polyhost playground [--port 4321] [--host 127.0.0.1] [--config host.config.mjs]
                                       serve the playground page and HTTP API
  polyhost redis [--data seed] <command...> | eval <script> [--keys k] [--args a] | run <file>
                                       Redis commands and scripts on an in-memory keyspace

Options:
  --lang <lua|js>          language (default: from the file extension; eval: lua)
  --policy <minimal|standard|strict>   security preset (default: standard)
  --timeout <ms>           wall-clock limit
  --instructions <n>       instruction limit
  --memory <size>          memory limit, e.g. 32MB, 512KB, 1GiB, 1048576
  --global <k=v>           a global (v parsed as JSON, else a string); repeatable
  --globals-json <file>    globals from a JSON object file
  --context-json <file>    the frozen \`context\` object from a JSON file
  --json                   print one JSON object { value, stats, logs, error }
  --stats                  print execution stats after the result
  -h, --help               this help

Exit codes: 0 ok, 1 script error, 2 usage error, 3 limit exceeded, 4 policy refusal`

/** Parses argv with node:util parseArgs; bad input is a UsageError with a clear message. */
export function parseCli(argv: readonly string[]): CliOptions {
  const { values: v, positionals } = parse(argv)
  if (v.help) return { ...empty(), command: 'help' }
  if (positionals.length === 0) {
    // nothing at all is the help (exit 2, in main); flags without a command are a usage error, so that
    // `--stats` or `--json` alone fails the same way (under --json as one JSON object)
    if (argv.length > 0) throw new UsageError(`a command is required (expected ${COMMANDS.slice(0, -1).join(', ')} or ${COMMANDS.at(-1)})`)
    return { ...empty(), command: 'help' }
  }
  const [command, ...rest] = positionals
  if (command !== 'run' && command !== 'eval' && command !== 'check') {
    throw new UsageError(`unknown command '${command}' (expected ${COMMANDS.slice(0, -1).join(', ')} or ${COMMANDS.at(-1)})`)
  }
  if (rest.length > 1) throw new UsageError(`unexpected argument '${rest[1]}'`)
  const target = rest[0]
  if ((command === 'run' || command === 'check') && !target) throw new UsageError(`${command}: a file is required`)
  if (v.policy !== undefined && !(PRESET_NAMES as readonly string[]).includes(v.policy)) {
    throw new UsageError(`--policy must be one of ${PRESET_NAMES.join(', ')}, got '${v.policy}'`)
  }
  const limits: CliOptions['limits'] = {}
  if (v.timeout !== undefined) limits.timeoutMs = timeoutMs('--timeout', v.timeout)
  if (v.instructions !== undefined) limits.instructions = positiveInt('--instructions', v.instructions)
  if (v.memory !== undefined) limits.memoryBytes = parseSize(v.memory)
  return {
    command,
    target: command === 'eval' && target === '-' ? undefined : target,
    lang: v.lang,
    policy: v.policy as PresetName | undefined,
    limits,
    globals: parseGlobals(v.global ?? []),
    globalsJson: v['globals-json'],
    contextJson: v['context-json'],
    json: v.json ?? false,
    stats: v.stats ?? false,
  }
}

/** `32MB` → 33554432. Units: B, KB/KiB, MB/MiB, GB/GiB (all binary). */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|kib|k|mb|mib|m|gb|gib|g)?$/i.exec(text.trim())
  if (!m) throw new UsageError(`--memory: cannot read size '${text}' (try 32MB)`)
  const unit = (m[2] ?? 'b').toLowerCase()[0] as 'b' | 'k' | 'm' | 'g'
  const bytes = Math.floor(Number(m[1]) * { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[unit])
  if (bytes <= 0) throw new UsageError('--memory must be positive')
  if (!Number.isSafeInteger(bytes)) throw new UsageError(`--memory must be at most ${Number.MAX_SAFE_INTEGER} bytes, got '${text}'`)
  return bytes
}

/**
 * A `--timeout` in ms, checked here so that a value the host would refuse is a bad flag
 * (exit 2) naming the flag, not a policy refusal: a positive integer up to 2^31 − 1, the
 * longest delay a Node timer holds.
 */
export function timeoutMs(flag: string, text: string): number {
  const n = positiveInt(flag, text)
  if (n > MAX_TIMER_MS) throw new UsageError(`${flag} must be at most ${MAX_TIMER_MS} ms (a longer timer overflows), got '${text}'`)
  return n
}

// --- internal ---

function parse(argv: readonly string[]) {
  return parseCommandArgs(undefined, argv, {
    allowPositionals: true,
    options: {
      lang: { type: 'string' },
      policy: { type: 'string' },
      timeout: { type: 'string' },
      instructions: { type: 'string' },
      memory: { type: 'string' },
      global: { type: 'string', multiple: true },
      'globals-json': { type: 'string' },
      'context-json': { type: 'string' },
      json: { type: 'boolean' },
      stats: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
}

function positiveInt(flag: string, text: string): number {
  const n = Number(text)
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n <= 0) {
    throw new UsageError(`${flag} must be a positive integer, got '${text}'`)
  }
  return n
}

/** The `--global` pairs; a name given twice is refused rather than the last one silently kept. */
function parseGlobals(pairs: readonly string[]): Record<string, unknown> {
  const globals: Record<string, unknown> = Object.create(null)
  for (const pair of pairs) {
    const [key, value] = parseGlobal(pair)
    if (Object.hasOwn(globals, key)) throw new UsageError(`--global '${key}' is given twice`)
    globals[key] = value
  }
  return { ...globals }
}

function parseGlobal(pair: string): [string, unknown] {
  const eq = pair.indexOf('=')
  if (eq <= 0) throw new UsageError(`--global expects key=value, got '${pair}'`)
  const key = pair.slice(0, eq)
  const raw = pair.slice(eq + 1)
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    return [key, raw]
  }
  // JSON after all: its numbers must arrive as typed
  parseExactJson(raw, `--global ${key}`)
  return [key, value]
}

function empty(): CliOptions {
  return {
    command: 'help',
    target: undefined,
    lang: undefined,
    policy: undefined,
    limits: {},
    globals: {},
    globalsJson: undefined,
    contextJson: undefined,
    json: false,
    stats: false,
  }
}
