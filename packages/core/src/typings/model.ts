import type { SecurityManager } from '@polyhost/security'
import type { z } from 'zod'
import { JS_RESERVED, LUA_KEYWORDS } from '../bridge-names.js'
import type { BridgeDefinition, BridgeRegistryView } from '../bridges.js'
import type { ModuleRegistryView } from '../modules.js'
import { acceptsUndefined, type JsonSchema, jsonSchemaOf } from './schema-types.js'

/** One parameter of a bridge method, as script authors see it. */
export interface ParamModel {
  readonly name: string
  readonly schema: JsonSchema
  readonly optional: boolean
  readonly description: string | undefined
}

/** One bridge method visible to scripts. */
export interface MethodModel {
  readonly name: string
  readonly description: string | undefined
  readonly params: readonly ParamModel[]
  /** `undefined` when the method declares no `returns` schema: any value. */
  readonly returns: JsonSchema | undefined
  /** The handler is an `async` function: JS scripts receive a Promise. */
  readonly async: boolean
  /**
   * Scripts of the model's language can write `bridge.method`: false for a Lua keyword in a Lua
   * model, which scripts must index (`kv["end"](k)`); JS takes any identifier after a dot.
   */
  readonly dotted: boolean
}

export interface BridgeModel {
  readonly name: string
  readonly description: string | undefined
  readonly methods: readonly MethodModel[]
}

/** A declared global (or `context`). */
export interface GlobalModel {
  readonly name: string
  readonly schema: JsonSchema
  readonly description: string | undefined
}

/** Everything the typings printers need, independent of the target language. */
export interface TypingsModel {
  readonly bridges: readonly BridgeModel[]
  /** Module names scripts of this language can require/import. */
  readonly modules: readonly string[]
  readonly globals: readonly GlobalModel[]
  /** The declared shape of `context`; undefined → an open record. */
  readonly context: JsonSchema | undefined
}

/** What `buildTypingsModel` reads: the host's registries, policy and declarations. */
export interface TypingsSource {
  readonly bridges: BridgeRegistryView
  readonly modules: ModuleRegistryView
  readonly security: SecurityManager
  readonly globals?: Readonly<Record<string, z.ZodType>>
  readonly context?: z.ZodType
}

/**
 * Collects what a script of `language` can see: the bridge methods its policy lets through
 * (a denied method is absent from the typings as it is from the script), the allowed modules
 * of its language, the declared globals and `context`.
 */
export function buildTypingsModel(source: TypingsSource, language: string): TypingsModel {
  const byBridge = new Map<string, MethodModel[]>()
  for (const v of source.bridges.visible(source.security)) {
    const list = byBridge.get(v.bridge) ?? []
    list.push(methodModel(v.method, v.definition, language))
    byBridge.set(v.bridge, list)
  }
  const bridges = [...byBridge].map(([name, methods]) => ({
    name,
    description: (source.bridges.get(name) as BridgeDefinition | undefined)?.description,
    methods,
  }))
  const modules = source.modules
    .list(language)
    .map((m) => m.name)
    .filter((n) => source.security.isModuleAllowed(n))
    .sort()
  const globals = Object.entries(source.globals ?? {}).map(([name, schema]) => {
    const json = jsonSchemaOf(schema, 'input')
    return { name, schema: json, description: json.description }
  })
  return { bridges, modules, globals, context: source.context ? jsonSchemaOf(source.context, 'input') : undefined }
}

// --- internal ---

function methodModel(name: string, def: BridgeDefinition['methods'][string], language: string): MethodModel {
  const schemas = def.args.map((schema) => jsonSchemaOf(schema, 'input'))
  const names = paramNames(schemas, language)
  const params = def.args.map((schema, i) => {
    const json = schemas[i] as JsonSchema
    return { name: names[i] as string, schema: json, optional: acceptsUndefined(schema), description: json.description }
  })
  // a required parameter after an optional one cannot be left out: only a trailing run is optional
  for (let i = params.length - 1, trailing = true; i >= 0; i--) {
    const p = params[i] as ParamModel
    trailing &&= p.optional
    if (!trailing && p.optional) params[i] = { ...p, optional: false }
  }
  return {
    name,
    description: def.description,
    params,
    returns: def.returns ? jsonSchemaOf(def.returns, 'output') : undefined,
    async: def.handler.constructor?.name === 'AsyncFunction',
    dotted: language !== 'lua' || !LUA_KEYWORDS.has(name),
  }
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/

/**
 * Whether `name` cannot name a parameter in scripts of `language`: a Lua keyword (`function
 * f(end)`), or a JS reserved word (`f(class)` does not parse; `f(this)` declares the receiver, not
 * an argument), `arguments` or `eval` (strict code refuses both as a parameter).
 */
function reservedParam(name: string, language: string): boolean {
  return language === 'lua' ? LUA_KEYWORDS.has(name) : JS_RESERVED.has(name) || name === 'eval'
}

/**
 * Each parameter's name: its schema's `title` (set with `.meta({ title: 'key' })`) when that is
 * an identifier the language takes, else `arg1`…; a name already taken in the signature (a title
 * given twice, or one that is another parameter's `argN`) gets `_` appended until it is unique.
 */
function paramNames(schemas: readonly JsonSchema[], language: string): string[] {
  const wanted = schemas.map((json, i) => {
    const t = json.title
    return t && IDENT.test(t) && !reservedParam(t, language) ? t : `arg${i + 1}`
  })
  const taken = new Set<string>()
  return wanted.map((w) => {
    let name = w
    while (taken.has(name) || (name !== w && wanted.includes(name))) name += '_'
    taken.add(name)
    return name
  })
}
