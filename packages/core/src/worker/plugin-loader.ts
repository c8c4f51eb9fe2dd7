import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { EngineModuleRef, EnginePlugin } from '../contracts.js'
import { EngineNotFoundError, InvalidArgumentError } from '../errors.js'
import { pluginProblem } from '../plugin.js'

/**
 * Checks, on the host thread, that a plugin can be loaded in a worker: it names its module
 * (`EnginePlugin.module`) and the reference survives a structured clone.
 */
export function moduleRefOf(plugin: EnginePlugin, what: string): EngineModuleRef {
  const ref = plugin.module
  if (!ref || typeof ref.specifier !== 'string' || !ref.specifier || typeof ref.export !== 'string' || !ref.export) {
    throw new InvalidArgumentError(
      `${what}: engine '${plugin.id}' cannot run with isolation 'worker': it does not name its module ` +
        '(EnginePlugin.module = { specifier, export, options })',
    )
  }
  try {
    return structuredClone({ specifier: ref.specifier, export: ref.export, options: ref.options })
  } catch (e) {
    throw new InvalidArgumentError(
      `${what}: options of engine '${plugin.id}' cannot be sent to a worker (${(e as Error).message}); pass plain data`,
    )
  }
}

/**
 * Imports the plugin a module reference names, inside a worker. Workers run plain Node: a
 * TypeScript source URL (a test run from sources) is replaced by the entry of the package that
 * contains it, as that package's `exports` give it to Node (its built `dist/`).
 */
export async function loadPluginRef(ref: EngineModuleRef, id: string): Promise<EnginePlugin> {
  const specifier = runnableSpecifier(ref.specifier)
  let mod: Record<string, unknown>
  try {
    mod = (await import(specifier)) as Record<string, unknown>
  } catch (e) {
    throw new EngineNotFoundError(`engine '${id}': cannot load '${specifier}' in a worker: ${(e as Error).message}`)
  }
  const exported = mod[ref.export]
  if (exported === undefined) throw new EngineNotFoundError(`engine '${id}': '${specifier}' has no export '${ref.export}'`)
  const plugin = typeof exported === 'function' ? (exported as (o?: unknown) => unknown)(ref.options) : exported
  const problem = pluginProblem(plugin)
  if (problem) throw new InvalidArgumentError(`engine '${id}': export '${ref.export}' is not an engine plugin: ${problem}`)
  if ((plugin as EnginePlugin).id !== id) {
    throw new InvalidArgumentError(`engine '${id}': export '${ref.export}' made engine '${(plugin as EnginePlugin).id}'`)
  }
  return plugin as EnginePlugin
}

// --- internal ---

const TS_SOURCE = /\.[cm]?tsx?$/

function runnableSpecifier(specifier: string): string {
  if (!specifier.startsWith('file:') || !TS_SOURCE.test(specifier)) return specifier
  const file = fileURLToPath(specifier)
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json')
    if (!existsSync(manifest)) continue
    const built = builtFiles(
      JSON.parse(readFileSync(manifest, 'utf8')) as Manifest,
      relative(dir, file).split(sep).join('/'),
      existsSync(file),
    )
    const paths = built.map((f) => join(dir, f))
    const path = paths.find((p) => existsSync(p)) ?? (paths[0] as string)
    if (!existsSync(path)) {
      throw new EngineNotFoundError(
        `${path} does not exist: workers run plain Node and load built packages; build first (pnpm turbo run build)`,
      )
    }
    return pathToFileURL(path).href
  }
  throw new EngineNotFoundError(`${specifier} is TypeScript source outside any package`)
}

/**
 * The built files that may hold a source file's exports, best first: the `exports` entry that
 * names the source under some condition gives its `import`/`default` target; otherwise the tsc
 * layout (`src/` → `dist/`), then, for a source that exists, the package's main entry (a bundle
 * holds its modules' code).
 */
function builtFiles(m: Manifest, source: string, sourceExists: boolean): string[] {
  const entries = m.exports && typeof m.exports === 'object' && !('import' in m.exports) ? Object.values(m.exports) : [m.exports]
  let main: string | undefined
  for (const e of entries) {
    if (!e || typeof e !== 'object') continue
    const c = e as Record<string, unknown>
    const target = c.import ?? c.node ?? c.default
    if (typeof target !== 'string') continue
    main ??= target
    if (Object.values(c).some((v) => typeof v === 'string' && v.replace(/^\.\//, '') === source)) return [target]
  }
  const tscLayout = source.replace(/^src\//, 'dist/').replace(/\.([cm]?)tsx?$/, '.$1js')
  return main === undefined || !sourceExists ? [tscLayout] : [tscLayout, main]
}

interface Manifest {
  readonly exports?: unknown
}
