import { InvalidArgumentError } from '../errors.js'
import { printLua } from './lua.js'
import { buildTypingsModel, type TypingsSource } from './model.js'
import { printTypeScript } from './typescript.js'

export type { BridgeModel, GlobalModel, MethodModel, ParamModel, TypingsModel, TypingsSource } from './model.js'
export { buildTypingsModel } from './model.js'
export { printLua } from './lua.js'
export { printTypeScript } from './typescript.js'
export { type JsonSchema, jsonSchemaOf } from './schema-types.js'

/** Languages `generateTypings` has a printer for, and what each produces. */
export const TYPINGS_LANGUAGES: Readonly<Record<string, 'lua' | 'ts'>> = { lua: 'lua', js: 'ts', javascript: 'ts' }

/**
 * Typings for scripts of `language`: a `.d.ts` for `'js'`, lua-language-server annotations
 * for `'lua'`. Only what the policy lets scripts see is declared.
 *
 * @example
 * writeFileSync('polyhost.d.ts', generateTypings({ bridges, modules, security }, 'js'))
 */
export function generateTypings(source: TypingsSource, language: string): string {
  const kind = Object.hasOwn(TYPINGS_LANGUAGES, language) ? TYPINGS_LANGUAGES[language] : undefined
  if (!kind) {
    throw new InvalidArgumentError(`typings: no typings for language '${language}' (have: ${Object.keys(TYPINGS_LANGUAGES).join(', ')})`)
  }
  const model = buildTypingsModel(source, language === 'javascript' ? 'js' : language)
  return kind === 'lua' ? printLua(model) : printTypeScript(model)
}
