import { extname } from 'node:path'
import type { EngineStats } from './contracts.js'
import { EngineNotFoundError } from './errors.js'
import type { ManagedEngine } from './plugin.js'

/**
 * A host's engines by id, language and file extension. The first engine registered for a
 * language or extension keeps it; extensions match case-insensitively.
 */
export class EngineRouter {
  private readonly byId = new Map<string, ManagedEngine>()
  private readonly byLanguage = new Map<string, ManagedEngine>()
  private readonly byExtension = new Map<string, ManagedEngine>()

  add(engine: ManagedEngine): void {
    const plugin = engine.plugin
    this.byId.set(plugin.id, engine)
    for (const l of plugin.languages) if (!this.byLanguage.has(l)) this.byLanguage.set(l, engine)
    for (const x of plugin.extensions) if (!this.byExtension.has(x.toLowerCase())) this.byExtension.set(x.toLowerCase(), engine)
  }

  /** Every engine, in the order added. */
  all(): ManagedEngine[] {
    return [...this.byId.values()]
  }

  /** Each engine's stats by id. */
  stats(): Record<string, EngineStats> {
    const engines: Record<string, EngineStats> = {}
    for (const [id, e] of this.byId) engines[id] = e.stats()
    return engines
  }

  /**
   * The engine for `language`, else for the extension of `name`: EngineNotFoundError naming
   * what is available when none fits.
   */
  pick(language: string | undefined, name: string | undefined): ManagedEngine {
    if (language !== undefined) {
      const e = this.byLanguage.get(language)
      if (!e) throw new EngineNotFoundError(`no engine for language '${language}' (have: ${[...this.byLanguage.keys()].join(', ')})`)
      return e
    }
    const ext = name ? extname(name).toLowerCase() : ''
    const e = ext ? this.byExtension.get(ext) : undefined
    if (!e) {
      throw new EngineNotFoundError(
        ext
          ? `no engine for extension '${ext}' (have: ${[...this.byExtension.keys()].join(', ')})`
          : 'language is required when name has no known extension',
      )
    }
    return e
  }
}
