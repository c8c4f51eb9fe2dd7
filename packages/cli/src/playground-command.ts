import { startPlayground, withRunLogs } from '@polyhost/playground'
import { EXIT, UsageError } from './exit-codes.js'
import { hostFromConfig, loadHostConfig } from './host-config.js'
import type { CliIO } from './output.js'
import { parseCommandArgs } from './parse-args.js'
import { escapeForTerminal } from './terminal-text.js'

export const PLAYGROUND_USAGE = `Usage: polyhost playground [--port 4321] [--host 127.0.0.1] [--config host.config.mjs]
  Serves the playground page and its HTTP API. Binds 127.0.0.1 unless --host says otherwise;
  the config's policy is the base of each preset the page offers.`

/**
 * `polyhost playground`: serves until SIGINT/SIGTERM (or `stop` resolves, for tests), then
 * closes its hosts.
 */
export async function playgroundCommand(argv: readonly string[], io: CliIO, stop?: Promise<void>): Promise<number> {
  const { values: v } = parse(argv)
  if (v.help) {
    io.stdout(`${PLAYGROUND_USAGE}\n`)
    return EXIT.ok
  }
  const port = v.port === undefined ? 4321 : Number(v.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`playground: --port must be 0-65535, got '${v.port}'`)
  const config = await loadHostConfig(v.config, io.cwd)
  const base = typeof config.policy === 'object' ? config.policy : {}
  const hostname = v.host ?? '127.0.0.1'
  const pg = await startPlayground({
    // engines wrapped so that a failed run answers the lines it printed before failing
    host: (preset) => hostFromConfig(config, { ...base, preset }, withRunLogs),
    defaultPreset: typeof config.policy === 'string' ? config.policy : (config.policy?.preset ?? 'standard'),
    port,
    hostname,
  }).catch((e: unknown) => {
    throw listenError(e, hostname, port)
  })
  io.stderr(`playground on ${escapeForTerminal(pg.url)}\n`)
  if (!LOOPBACK.has(v.host ?? '127.0.0.1')) {
    io.stderr(
      'warning: the playground is reachable from other machines and has no authentication; anyone who can reach it runs scripts on this host\n',
    )
  }
  await (stop ??
    new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve())
      process.once('SIGTERM', () => resolve())
    }))
  await pg.close()
  return EXIT.ok
}

// --- internal ---

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1'])

/** Why the server could not listen (a bad --host or --port) as a UsageError; other errors as they are. */
function listenError(e: unknown, hostname: string, port: number): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code
  if (typeof code !== 'string' || !(e as NodeJS.ErrnoException).syscall) return e
  const host = escapeForTerminal(hostname)
  const why = LISTEN_ERRORS[code]?.(host, port) ?? `${code} (${escapeForTerminal((e as Error).message)})`
  return new UsageError(`playground: cannot listen on --host ${host} --port ${port}: ${why}`)
}

const LISTEN_ERRORS: Readonly<Record<string, (host: string, port: number) => string>> = {
  EADDRINUSE: (_, port) => `port ${port} is already in use (EADDRINUSE)`,
  EACCES: (_, port) => `no permission to bind port ${port} (EACCES)`,
  EADDRNOTAVAIL: (host) => `${host} is not an address of this machine (EADDRNOTAVAIL)`,
  ENOTFOUND: (host) => `cannot resolve host '${host}' (ENOTFOUND)`,
  EAI_AGAIN: (host) => `cannot resolve host '${host}' (EAI_AGAIN)`,
}

function parse(argv: readonly string[]) {
  return parseCommandArgs('playground', argv, {
    allowPositionals: false,
    options: { port: { type: 'string' }, host: { type: 'string' }, config: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  })
}
