import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import {
  BridgeError,
  type BridgeDefinition,
  createHost,
  type EnginePlugin,
  type Host,
  type HostOptions,
  type ModuleDefinition,
} from '@polyhost/core'
import { jsEngine } from '@polyhost/engine-js'
import { luaEngine } from '@polyhost/engine-lua'
import type { PolicyInput } from '@polyhost/security'
import { UsageError } from './exit-codes.js'

/**
 * What a `host.config.mjs` exports as its default (an object, or a function returning one):
 * host options without engines (the CLI brings Lua and JS), plus the bridges and modules
 * to register.
 *
 * @example
 * export default { policy: 'standard', globals: { order: z.object({ id: z.string() }) }, bridges: [kv] }
 */
export interface HostConfig extends Omit<HostOptions, 'engines'> {
  readonly bridges?: readonly BridgeDefinition[]
  readonly modules?: readonly ModuleDefinition[]
}

/**
 * Loads a config module; no path → an empty config. A broken one is a UsageError naming it:
 * one that does not load, whose default export (or the promise it is or returns) throws, or
 * whose fields cannot be read (a getter that throws, a Proxy) or are of the wrong kind. Its
 * fields are read once: what is checked is what the host is made of.
 */
export async function loadHostConfig(path: string | undefined, cwd: string): Promise<HostConfig> {
  if (path === undefined) return {}
  const file = resolve(cwd, path)
  let mod: { default?: unknown }
  try {
    mod = await import(pathToFileURL(file).href)
  } catch (e) {
    throw new UsageError(`--config: cannot load ${path}: ${textOf(e)}`)
  }
  let value: unknown
  try {
    const d = mod.default
    value = await (typeof d === 'function' ? (d as () => unknown)() : d)
  } catch (e) {
    // a config that throws is a bad config (exit 2), whatever it throws
    throw new UsageError(`--config: ${path}: its default export threw: ${textOf(e)}`)
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(`--config: ${path} must export default an object (or a function returning one)`)
  }
  try {
    return readConfig(value as HostConfig)
  } catch (e) {
    throw new UsageError(`--config: ${path}: ${e instanceof UsageError ? e.message : `could not be read (${textOf(e)})`}`)
  }
}

/**
 * Creates a Lua + JS host from a config (with `policy` replaced when given) and registers its
 * bridges and modules; `engine` wraps each engine plugin (the playground's log capture).
 */
export async function hostFromConfig(
  config: HostConfig,
  policy?: PolicyInput,
  engine: (plugin: EnginePlugin) => EnginePlugin = (p) => p,
): Promise<Host> {
  const { bridges = [], modules = [], ...options } = config
  const host = await createHost({ ...options, engines: [engine(luaEngine()), engine(jsEngine())], policy: policy ?? options.policy })
  try {
    for (const b of bridges) host.bridges.register(b)
    for (const m of modules) host.modules.register(m)
  } catch (e) {
    await host.close()
    // a bridge the config defines badly is the config's fault, as its other fields are
    throw e instanceof BridgeError ? new UsageError(`--config: ${e.message}`) : e
  }
  return host
}

// --- internal ---

/**
 * A copy of a config, each field read once; `bridges` and `modules` must be arrays. `engines` is
 * refused: the CLI runs its own Lua and JS engines, and a config's would otherwise go unused.
 */
function readConfig(config: HostConfig): HostConfig {
  const { bridges, modules, engines, ...options } = config as HostConfig & { engines?: unknown }
  if (engines !== undefined) throw new UsageError('engines: not taken; the CLI runs its own Lua and JS engines')
  const list = <T>(v: readonly T[] | undefined, what: string): readonly T[] | undefined => {
    if (v === undefined) return undefined
    if (!Array.isArray(v)) throw new UsageError(`${what} must be an array`)
    return [...v]
  }
  return { ...options, bridges: list(bridges, 'bridges'), modules: list(modules, 'modules') }
}

/** What a thrown value says, even one whose message or `toString` throws. */
function textOf(e: unknown): string {
  try {
    return e instanceof Error ? e.message : String(e)
  } catch {
    return 'a value that cannot be printed'
  }
}
