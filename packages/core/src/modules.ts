import { MODULE_NAME } from '@polyhost/security'
import { InvalidArgumentError } from './errors.js'

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

/** Host-side module registry (`host.modules`). Nothing else resolves in scripts. */
export class ModuleRegistry implements ModuleRegistryView {
  private readonly modules = new Map<string, ModuleDefinition>()
  version = 0

  /** Registers a module; a duplicate name for the same language is an error. */
  register(def: ModuleDefinition): void {
    if (!def || typeof def !== 'object') throw new InvalidArgumentError('module: expected { name, language, source }')
    const { name, language, source } = def
    if (typeof name !== 'string' || !MODULE_NAME.test(name)) {
      throw new InvalidArgumentError(`module name ${JSON.stringify(name)} is not valid`)
    }
    if (typeof language !== 'string' || !language) throw new InvalidArgumentError(`module '${name}': language is required`)
    if (typeof source !== 'string') throw new InvalidArgumentError(`module '${name}': source must be a string`)
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
}

function keyOf(name: string, language: string): string {
  return `${language}\0${name}`
}
