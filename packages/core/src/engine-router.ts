import { extname } from 'node:path'
import type { EngineStats } from './contracts.js'
import { EngineNotFoundError, InvalidArgumentError } from './errors.js'
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

  /** Every routed language, in the order engines were added. */
  languages(): string[] {
    return [...this.byLanguage.keys()]
  }

  /** Each engine's stats by id. */
  stats(): Record<string, EngineStats> {
    const engines: Record<string, EngineStats> = {}
    for (const [id, e] of this.byId) engines[id] = e.stats()
    return engines
  }

  /**
   * For a file `path` run with `language`: InvalidArgumentError, before the file is read, when its
   * extension names another engine's language. The extension decides a file's language and
   * `language` is for files whose extension names none: a caller giving both was mistaken about
   * one of them, and either silent choice would run the file as a language it may not be.
   */
  checkFileLanguage(language: string | undefined, path: string, what: string): void {
    if (language === undefined) return
    const ext = extname(path).toLowerCase()
    const byExt = ext ? this.byExtension.get(ext) : undefined
    const byLang = this.byLanguage.get(language)
    if (!byExt || !byLang || byExt === byLang) return
    throw new InvalidArgumentError(
      `${what}: language '${language}' conflicts with '${path}', whose extension '${ext}' names language '${byExt.plugin.languages[0]}'`,
    )
  }

  /**
   * The engine for `language`, else for the extension of `name`: EngineNotFoundError naming
   * what is available when none fits.
   */
  pick(language: string | undefined, name: string | undefined): ManagedEngine {
    if (language !== undefined) {
      const e = this.byLanguage.get(language)
      if (!e) throw new EngineNotFoundError(`no engine for language '${language}' (have: ${this.languages().join(', ')})`)
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
