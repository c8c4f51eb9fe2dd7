import { writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { TYPINGS_LANGUAGES } from '@polyhost/core'
import { EXIT } from './exit-codes.js'
import { UsageError } from './exit-codes.js'
import { hostFromConfig, loadHostConfig } from './host-config.js'
import type { CliIO } from './output.js'
import { parseCommandArgs } from './parse-args.js'
import { escapeForTerminal } from './terminal-text.js'

export const TYPES_USAGE = `Usage: polyhost types --lang js|lua [--config host.config.mjs] [--out file]
  Writes the typings scripts see under the config's bridges, modules, globals, context and
  policy: a .d.ts for JS, lua-language-server annotations for Lua. Default output: stdout.`

/** `polyhost types`: prints or writes the typings of a configured host. */
export async function typesCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { values: v } = parse(argv)
  if (v.help) {
    io.stdout(`${TYPES_USAGE}\n`)
    return EXIT.ok
  }
  const lang = v.lang
  if (!lang || !Object.hasOwn(TYPINGS_LANGUAGES, lang)) {
    throw new UsageError(`types: --lang must be one of ${Object.keys(TYPINGS_LANGUAGES).join(', ')}${lang ? `, got '${lang}'` : ''}`)
  }
  const config = await loadHostConfig(v.config, io.cwd)
  const host = await hostFromConfig({ ...config, pool: { min: 0, max: 1 } })
  try {
    const text = host.typings(lang)
    if (v.out) {
      await writeOut(resolve(io.cwd, v.out), v.out, text)
      io.stderr(`wrote ${escapeForTerminal(v.out)}\n`)
    } else {
      io.stdout(escapeForTerminal(text, { multiline: true }))
    }
    return EXIT.ok
  } finally {
    await host.close()
  }
}

// --- internal ---

/** Writes `--out`; a path it cannot write is a usage error (exit 2), as an unknown input file is. */
async function writeOut(path: string, shown: string, text: string): Promise<void> {
  try {
    await writeFile(path, text)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'its directory does not exist' : (code ?? (e as Error).message)
    throw new UsageError(`types: cannot write --out ${escapeForTerminal(shown)}: ${why}`)
  }
}

function parse(argv: readonly string[]) {
  return parseCommandArgs('types', argv, {
    allowPositionals: false,
    options: { lang: { type: 'string' }, config: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  })
}
