import { MODULE_NAME } from '@polyhost/security'
import { InvalidArgumentError } from './errors.js'
import { readingCaller } from './reading-caller.js'

/** A host-registered module that scripts can `require` (Lua) or `import` (JS). */
export interface ModuleDefinition {
  readonly name: string
  readonly language: string
  readonly source: string
}

export interface ModuleRegistryView {
  /** Changes on every register/unregister. */
  readonly version: number
  get(name: string, language: string): ModuleDefinition | undefined
  list(language?: string): readonly ModuleDefinition[]
}

/** The fields of a ModuleDefinition: any other is a typo that must not pass unnoticed. */
const MODULE_KEYS: ReadonlySet<string> = new Set(['name', 'language', 'source'] satisfies (keyof ModuleDefinition)[])

/** Host-side module registry (`host.modules`). Nothing else resolves in scripts. */
export class ModuleRegistry implements ModuleRegistryView {
  private readonly modules = new Map<string, ModuleDefinition>()
  version = 0

  /**
   * @param languages the languages modules may be written in (a host passes its engines'
   * languages); omitted, any language is taken
   */
  constructor(private readonly languages?: readonly string[]) {}

  /** Registers a module; a duplicate name for the same language is an error. */
  register(def: ModuleDefinition): void {
    const { name, language, source } = readingCaller('modules.register: the module', () => this.check(def))
    const key = keyOf(name, language)
    if (this.modules.has(key)) throw new InvalidArgumentError(`module '${name}' (${language}) is already registered`)
    this.modules.set(key, Object.freeze({ name, language, source }))
    this.version++
  }

  /** Removes a module (for one language, or all); returns whether anything was removed. */
  unregister(name: string, language?: string): boolean {
    let removed = false
    for (const [key, m] of this.modules) {
      if (m.name === name && (language === undefined || m.language === language)) {
        this.modules.delete(key)
        removed = true
      }
    }
    if (removed) this.version++
    return removed
  }

  get(name: string, language: string): ModuleDefinition | undefined {
    return this.modules.get(keyOf(name, language))
  }

  list(language?: string): readonly ModuleDefinition[] {
    const all = [...this.modules.values()]
    return language === undefined ? all : all.filter((m) => m.language === language)
  }

  // --- internal ---

  /**
   * The definition's fields, each read once and checked. A misspelled field (`sorce`) or a
   * language no engine runs (`'cobol'`, `'LUA'`) would register a module no script can load.
   */
  private check(def: unknown): ModuleDefinition {
    if (!def || typeof def !== 'object') throw new InvalidArgumentError('module: expected { name, language, source }')
    const { name, language, source } = def as Record<string, unknown>
    if (typeof name !== 'string' || !MODULE_NAME.test(name)) {
      throw new InvalidArgumentError(`module name ${JSON.stringify(name)} is not valid`)
    }
    const extra = Object.keys(def).filter((k) => !MODULE_KEYS.has(k))
    if (extra.length > 0) {
      const fields = extra.map((k) => `'${k}'`).join(', ')
      throw new InvalidArgumentError(`module '${name}': unknown field ${fields} (known: ${[...MODULE_KEYS].join(', ')})`)
    }
    if (typeof language !== 'string' || !language) throw new InvalidArgumentError(`module '${name}': language is required`)
    const known = this.languages
    if (known && !known.includes(language)) {
      throw new InvalidArgumentError(`module '${name}': language: unknown language '${language}' (known: ${known.join(', ')})`)
    }
    if (typeof source !== 'string') throw new InvalidArgumentError(`module '${name}': source must be a string`)
    return { name, language, source }
  }
}

function keyOf(name: string, language: string): string {
  return `${language}\0${name}`
}
