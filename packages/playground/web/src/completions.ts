import type { Completion, CompletionContext, CompletionResult, CompletionSource } from '@codemirror/autocomplete'

/** The typings model as `GET /api/typings?format=json` serves it (the parts used here). */
export interface TypingsModel {
  readonly bridges: readonly {
    readonly name: string
    readonly description?: string
    readonly methods: readonly {
      readonly name: string
      readonly description?: string
      readonly params: readonly { readonly name: string; readonly schema: Schema; readonly optional: boolean }[]
      readonly returns?: Schema
      readonly async: boolean
      /** False for a Lua keyword (`end`): the call is written `kv["end"](`. */
      readonly dotted?: boolean
    }[]
  }[]
  readonly modules: readonly string[]
  readonly globals: readonly { readonly name: string; readonly schema: Schema; readonly description?: string }[]
  readonly context?: Schema
}

interface Schema {
  readonly type?: string | readonly string[]
  readonly properties?: Readonly<Record<string, Schema>>
  readonly items?: Schema | boolean
  readonly enum?: readonly unknown[]
  readonly const?: unknown
  readonly anyOf?: readonly Schema[]
  readonly description?: string
}

/**
 * Completions from the typings: bridge names and their methods (`kv.` → `get(key: string)`),
 * declared globals and `context` with their fields, and module names inside `require("`.
 */
export function typingsCompletions(model: () => TypingsModel | undefined): CompletionSource {
  return (cx: CompletionContext): CompletionResult | null => {
    const m = model()
    if (!m) return null
    const req = cx.matchBefore(/require\s*\(?\s*["'][\w./@-]*/)
    if (req) {
      const quote = Math.max(req.text.lastIndexOf('"'), req.text.lastIndexOf("'"))
      return { from: req.from + quote + 1, options: m.modules.map((name) => ({ label: name, type: 'namespace' })) }
    }
    const member = cx.matchBefore(/[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*\.[\w]*/)
    if (member) {
      const parts = member.text.split('.')
      const word = parts.pop() as string
      const options = membersOf(m, parts)
      return options ? { from: member.to - word.length, options, validFor: /^\w*$/ } : null
    }
    const word = cx.matchBefore(/[A-Za-z_]\w*/)
    if (!word && !cx.explicit) return null
    return { from: word?.from ?? cx.pos, options: topLevel(m), validFor: /^\w*$/ }
  }
}

/** A short type for a detail line: `string|null`, `{ id, qty }`, `"EUR"|"USD"`. */
export function shortType(s: Schema | boolean | undefined): string {
  if (s === undefined || typeof s === 'boolean') return 'any'
  if (s.const !== undefined) return JSON.stringify(s.const)
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join('|')
  if (s.anyOf) return s.anyOf.map(shortType).join('|')
  const types = s.type === undefined ? ['any'] : Array.isArray(s.type) ? s.type : [s.type as string]
  return types
    .map((t) => (t === 'array' ? `${shortType(s.items)}[]` : t === 'object' ? `{ ${Object.keys(s.properties ?? {}).join(', ')} }` : t))
    .join('|')
}

// --- internal ---

function topLevel(m: TypingsModel): Completion[] {
  return [
    ...m.bridges.map((b) => ({ label: b.name, type: 'namespace', detail: 'bridge', info: b.description })),
    ...m.globals.map((g) => ({ label: g.name, type: 'variable', detail: shortType(g.schema), info: g.description })),
    { label: 'context', type: 'variable', detail: m.context ? shortType(m.context) : 'table', info: "The execution's context (frozen)" },
  ]
}

function membersOf(m: TypingsModel, path: readonly string[]): Completion[] | undefined {
  const [head, ...rest] = path
  const bridge = m.bridges.find((b) => b.name === head)
  if (bridge && rest.length === 0) {
    return bridge.methods.map((x) => ({
      label: x.name,
      type: 'function',
      detail: `(${x.params.map((p) => `${p.name}${p.optional ? '?' : ''}: ${shortType(p.schema)}`).join(', ')}) → ${x.returns ? shortType(x.returns) : 'any'}`,
      info: x.description,
      apply: x.dotted === false ? indexed(x.name) : `${x.name}(`,
    }))
  }
  let schema: Schema | undefined = head === 'context' ? m.context : m.globals.find((g) => g.name === head)?.schema
  for (const key of rest) schema = schema?.properties?.[key]
  if (!schema?.properties) return undefined
  return Object.entries(schema.properties).map(([name, s]) => ({
    label: name,
    type: 'property',
    detail: shortType(s),
    info: s.description,
  }))
}

/** Replaces `bridge.` + the typed prefix with `bridge["name"](`: `kv.end(` would not parse. */
function indexed(name: string): Completion['apply'] {
  return (view, _completion, from, to) => {
    const insert = `[${JSON.stringify(name)}](`
    // `from` is just after the dot, which goes too
    view.dispatch({ changes: { from: from - 1, to, insert }, selection: { anchor: from - 1 + insert.length } })
  }
}
