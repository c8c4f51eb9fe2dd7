import { lazySchema, type SecurityManager } from '@polyhost/security'
import { type BridgeDefinition, BridgeMapView, type BridgeMethod, type BridgeRegistryView } from '../bridges.js'
import { BridgeError } from '../errors.js'
import type { ModuleDefinition, ModuleRegistryView } from '../modules.js'
import type { BridgeShape, Snapshot } from './protocol.js'

/** What one worker has already been sent; the host sends only what changed. */
export interface SeenState {
  readonly fingerprint: string | undefined
  readonly bridges: number
  readonly modules: number
}

/** The registries as the host holds them. */
export interface RegistrySources {
  readonly bridges: BridgeRegistryView
  readonly modules: ModuleRegistryView
}

/**
 * The part of the registries a worker has not seen yet (undefined: nothing changed) and what it
 * will have seen once that is delivered. Handlers and schemas never leave the host: bridges
 * travel as names, arities and descriptions only.
 */
export function snapshotFor(
  seen: SeenState,
  sources: RegistrySources,
  security: SecurityManager,
): { snapshot: Snapshot | undefined; next: SeenState } {
  const next = { fingerprint: security.fingerprint, bridges: sources.bridges.version, modules: sources.modules.version }
  if (seen.fingerprint === next.fingerprint && seen.bridges === next.bridges && seen.modules === next.modules) {
    return { snapshot: undefined, next: seen }
  }
  const snapshot: { -readonly [K in keyof Snapshot]: Snapshot[K] } = {}
  if (seen.fingerprint !== next.fingerprint) snapshot.policy = security.policy
  if (seen.bridges !== next.bridges) snapshot.bridges = { version: next.bridges, list: sources.bridges.list().map(shapeOf) }
  if (seen.modules !== next.modules) {
    snapshot.modules = {
      version: next.modules,
      list: sources.modules.list().map((m) => ({ name: m.name, language: m.language, source: m.source })),
    }
  }
  return { snapshot, next }
}

/**
 * The worker's copy of the bridge registry: same names, arities and version numbers as the
 * host's, so engines build the same globals and notice changes at checkout. Handlers are
 * stubs; engines call `execution.callBridge`, which forwards to the host.
 */
export class MirrorBridges extends BridgeMapView {
  replace(version: number, list: readonly BridgeShape[]): void {
    this.bridges = new Map(list.map((b) => [b.name, definitionOf(b)]))
    this.version = version
  }
}

/** The worker's copy of the module registry, carrying the host's version number. */
export class MirrorModules implements ModuleRegistryView {
  version = 0
  private modules = new Map<string, ModuleDefinition>()

  replace(version: number, list: readonly ModuleDefinition[]): void {
    this.modules = new Map(list.map((m) => [`${m.language}\0${m.name}`, Object.freeze({ ...m })]))
    this.version = version
  }

  get(name: string, language: string): ModuleDefinition | undefined {
    return this.modules.get(`${language}\0${name}`)
  }

  list(language?: string): readonly ModuleDefinition[] {
    const all = [...this.modules.values()]
    return language === undefined ? all : all.filter((m) => m.language === language)
  }
}

// --- internal ---

function shapeOf(def: BridgeDefinition): BridgeShape {
  return {
    name: def.name,
    description: def.description,
    methods: Object.entries(def.methods).map(([name, m]) => ({
      name,
      argc: m.args.length,
      returns: m.returns !== undefined,
      description: m.description,
    })),
  }
}

// a placeholder with zod's parse interface (core's own zod build, loaded on first use; nothing reads its type)
const anyValue = lazySchema((z) => z.unknown() as unknown as BridgeMethod['args'][number])

function definitionOf(shape: BridgeShape): BridgeDefinition {
  const methods: Record<string, BridgeMethod> = {}
  for (const m of shape.methods) {
    const path = `${shape.name}.${m.name}`
    methods[m.name] = {
      // placeholders: arguments are validated by the real schemas on the host thread
      args: Array.from({ length: m.argc }, anyValue),
      ...(m.returns ? { returns: anyValue() } : {}),
      ...(m.description !== undefined ? { description: m.description } : {}),
      handler: () => {
        throw new BridgeError(`${path}: handlers run on the host thread; call execution.callBridge`, path)
      },
    }
  }
  return { name: shape.name, ...(shape.description !== undefined ? { description: shape.description } : {}), methods }
}
