import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { type BridgeDefinition, createHost, type EnginePlugin, type Host, type HostOptions, type ModuleDefinition } from '@polyhost/core'
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

/** Loads a config module; no path → an empty config. A broken one (or one whose default export throws) is a UsageError. */
export async function loadHostConfig(path: string | undefined, cwd: string): Promise<HostConfig> {
  if (path === undefined) return {}
  const file = resolve(cwd, path)
  let mod: { default?: unknown }
  try {
    mod = await import(pathToFileURL(file).href)
  } catch (e) {
    throw new UsageError(`--config: cannot load ${path}: ${(e as Error).message}`)
  }
  let value: unknown
  try {
    value = typeof mod.default === 'function' ? await (mod.default as () => unknown)() : mod.default
  } catch (e) {
    // a config that throws is a bad config (exit 2), whatever it throws
    throw new UsageError(`--config: ${path}: its default export threw: ${e instanceof Error ? e.message : String(e)}`)
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(`--config: ${path} must export default an object (or a function returning one)`)
  }
  return value as HostConfig
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
    throw e
  }
  return host
}
