import { createRequire } from 'node:module'
import type { z } from 'zod'

/**
 * A JSON Schema node as `z.toJSONSchema` emits it (draft 2020-12). Only the keywords the
 * type printers read are named.
 */
export interface JsonSchema {
  readonly type?: string | readonly string[]
  readonly description?: string
  readonly title?: string
  readonly properties?: Readonly<Record<string, JsonSchema>>
  readonly required?: readonly string[]
  readonly additionalProperties?: JsonSchema | boolean
  readonly items?: JsonSchema | boolean
  readonly prefixItems?: readonly JsonSchema[]
  readonly enum?: readonly unknown[]
  readonly const?: unknown
  readonly anyOf?: readonly JsonSchema[]
  readonly oneOf?: readonly JsonSchema[]
  readonly allOf?: readonly JsonSchema[]
  readonly $ref?: string
  readonly $defs?: Readonly<Record<string, JsonSchema>>
}

/**
 * The JSON Schema of a zod schema, seen from one side: `'input'` for what a script passes
 * (bridge arguments, globals, context), `'output'` for what it receives (bridge results).
 * Types JSON Schema cannot state (dates, functions, custom checks) become `{}`: any value.
 */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  // the schema's own method: its zod instance (and so its registry of descriptions) is the
  // caller's, and core does not load zod 4 (a tenth of a second of start-up) to read one
  const params = { io, unrepresentable: 'any', target: 'draft-2020-12' } as const
  const own = (schema as { toJSONSchema?: (p: typeof params) => unknown }).toJSONSchema
  if (typeof own === 'function') return own.call(schema, params) as JsonSchema
  // a zod/mini schema has no methods: zod's function, loaded on the first such schema
  // (descriptions live in zod's registry on globalThis, shared by every copy of zod)
  zodCore ??= createRequire(import.meta.url)('zod/v4/core') as ZodCore
  return zodCore.toJSONSchema(schema, params) as JsonSchema
}

type ZodCore = { toJSONSchema(schema: unknown, params: object): unknown }
let zodCore: ZodCore | undefined

/** Whether a schema accepts `undefined`, i.e. the argument or field may be left out. */
export function acceptsUndefined(schema: z.ZodType): boolean {
  return schema.safeParse(undefined).success
}

/** A printer of one language's type syntax, driven by `renderType`. */
export interface TypeSyntax {
  readonly any: string
  readonly unknownRef: string
  string(): string
  number(integer: boolean): string
  boolean(): string
  null(): string
  literal(value: unknown): string
  array(item: string): string
  tuple(items: readonly string[]): string
  /** `fields` already rendered; `rest` is the additional-properties type, if any. */
  object(fields: readonly { name: string; type: string; optional: boolean; description?: string }[], rest: string | undefined): string
  union(members: readonly string[]): string
  intersection(members: readonly string[]): string
}

/**
 * Renders a JSON Schema node as a type in `syntax`. `$ref`s resolve against the root's
 * `$defs`; a recursive reference renders as `syntax.unknownRef` instead of looping.
 */
export function renderType(node: JsonSchema | boolean | undefined, syntax: TypeSyntax, root?: JsonSchema): string {
  return render(node, syntax, root ?? (typeof node === 'object' ? node : {}), new Set())
}

// --- internal ---

function render(node: JsonSchema | boolean | undefined, s: TypeSyntax, root: JsonSchema, refs: Set<string>): string {
  if (node === undefined || node === true) return s.any
  if (node === false) return s.any
  if (node.$ref !== undefined) {
    const target = resolveRef(node.$ref, root)
    if (!target || refs.has(node.$ref)) return s.unknownRef
    const inner = new Set(refs).add(node.$ref)
    return render(target, s, root, inner)
  }
  if (node.const !== undefined) return s.literal(node.const)
  if (node.enum) return s.union(node.enum.map((v) => s.literal(v)))
  const alternatives = node.anyOf ?? node.oneOf
  if (alternatives) return s.union(alternatives.map((n) => render(n, s, root, refs)))
  if (node.allOf) return s.intersection(node.allOf.map((n) => render(n, s, root, refs)))
  const types = node.type === undefined ? undefined : Array.isArray(node.type) ? node.type : [node.type as string]
  if (!types) return s.any
  return s.union(types.map((t) => renderOne(t, node, s, root, refs)))
}

function renderOne(type: string, node: JsonSchema, s: TypeSyntax, root: JsonSchema, refs: Set<string>): string {
  switch (type) {
    case 'string':
      return s.string()
    case 'number':
      return s.number(false)
    case 'integer':
      return s.number(true)
    case 'boolean':
      return s.boolean()
    case 'null':
      return s.null()
    case 'array':
      if (node.prefixItems) return s.tuple(node.prefixItems.map((n) => render(n, s, root, refs)))
      return s.array(render(node.items, s, root, refs))
    case 'object': {
      const required = new Set(node.required ?? [])
      const fields = Object.entries(node.properties ?? {}).map(([name, prop]) => ({
        name,
        type: render(prop, s, root, refs),
        optional: !required.has(name),
        description: typeof prop === 'object' ? prop.description : undefined,
      }))
      const extra = node.additionalProperties
      const rest = extra === undefined || extra === false ? (fields.length ? undefined : s.any) : render(extra, s, root, refs)
      return s.object(fields, rest)
    }
    default:
      return s.any
  }
}

function resolveRef(ref: string, root: JsonSchema): JsonSchema | undefined {
  if (ref === '#') return root
  const m = /^#\/\$defs\/(.+)$/.exec(ref)
  return m ? root.$defs?.[decodeURIComponent(m[1] as string)] : undefined
}
