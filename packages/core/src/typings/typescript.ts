import { reservedBridgeName } from '../bridge-names.js'
import type { BridgeModel, GlobalModel, MethodModel, TypingsModel } from './model.js'
import { renderType, type TypeSyntax } from './schema-types.js'

/**
 * Prints a `.d.ts` for JS scripts: one namespace per bridge (methods with JSDoc; `async`
 * handlers return Promises; a bridge with a method named by a reserved word is an interface
 * and a `const` instead, see `bridge`), declared globals as `const`s, `context`, `print`/`console`, and
 * `declare module` for every importable module. Meant for `tsc --checkJs` and editors, with
 * `lib: ["es2023"]` (a DOM or Node lib may be added: the declarations merge with theirs).
 */
export function printTypeScript(model: TypingsModel): string {
  const out: string[] = [
    '// Types of what Polyhost scripts can see: bridges, globals, context and modules.',
    '// Generated from the host configuration; do not edit.',
    '',
    'interface Console {',
    '  log(...data: any[]): void',
    '  info(...data: any[]): void',
    '  warn(...data: any[]): void',
    '  error(...data: any[]): void',
    '  debug(...data: any[]): void',
    '}',
    'declare var console: Console',
    "/** Writes a line to the execution's logs. */",
    'declare function print(...data: any[]): void',
    '',
  ]
  for (const b of model.bridges) out.push(...bridge(b))
  for (const g of model.globals) out.push(...global(g))
  if (model.context) out.push(DEEP_READONLY)
  out.push("/** The execution's context: deep-frozen, set by the host for each run. */")
  out.push(
    `declare const context: ${model.context ? `PolyhostDeepReadonly<${renderType(model.context, TS)}>` : 'Readonly<Record<string, unknown>>'}`,
    '',
  )
  for (const name of model.modules) {
    // a module's exports are not declared by the host: its default export is untyped
    out.push(`declare module ${JSON.stringify(name)} {`, '  const value: any', '  export default value', '}', '')
  }
  return `${out.join('\n').trimEnd()}\n`
}

/** TypeScript type syntax for `renderType`. */
export const TS: TypeSyntax = {
  any: 'any',
  unknownRef: 'any',
  string: () => 'string',
  number: () => 'number',
  boolean: () => 'boolean',
  null: () => 'null',
  literal: (v) => (v === null ? 'null' : JSON.stringify(v)),
  array: (item) => `Array<${item}>`,
  tuple: (items) => `[${items.join(', ')}]`,
  object: (fields, rest) => {
    const parts = fields.map(
      (f) => `${f.description ? `/** ${docText(f.description)} */ ` : ''}${key(f.name)}${f.optional ? '?' : ''}: ${f.type}`,
    )
    if (rest !== undefined) parts.push(`[key: string]: ${rest}`)
    return parts.length ? `{ ${parts.join('; ')} }` : '{}'
  },
  union: (members) => unique(members).join(' | ') || 'never',
  intersection: (members) => members.map((m) => `(${m})`).join(' & '),
}

// --- internal ---

/**
 * A namespace of functions; but `function delete(…)` does not parse in a namespace, so a bridge
 * with a method named by a word a bridge could not take (a reserved word, conservatively) is an
 * interface `polyhost.bridge.<name>` of method signatures, which take any name, and a `const`.
 */
function bridge(b: BridgeModel): string[] {
  const plain = b.methods.every((m) => reservedBridgeName(m.name) === undefined)
  if (plain) return [...doc(b.description, ''), `declare namespace ${b.name} {`, ...b.methods.flatMap((m) => method(m, true)), '}', '']
  return [
    `declare namespace polyhost.bridge {`,
    ...doc(b.description, '  '),
    `  interface ${b.name} {`,
    ...b.methods.flatMap((m) => method(m, false).map((l) => `  ${l}`)),
    '  }',
    '}',
    ...doc(b.description, ''),
    `declare const ${b.name}: polyhost.bridge.${b.name}`,
    '',
  ]
}

function method(m: MethodModel, asFunction: boolean): string[] {
  const tags = m.params.filter((p) => p.description).map((p) => `@param ${p.name} ${p.description}`)
  const params = m.params.map((p) => `${p.name}${p.optional ? '?' : ''}: ${renderType(p.schema, TS)}`).join(', ')
  const result = m.returns ? renderType(m.returns, TS) : 'any'
  // in an interface a bare `new(…)` declares a constructor: that name is quoted
  const name = asFunction ? `function ${m.name}` : m.name === 'new' ? '"new"' : m.name
  return [...doc(m.description, '  ', tags), `  ${name}(${params}): ${m.async ? `Promise<${result}>` : result}`]
}

function global(g: GlobalModel): string[] {
  return [...doc(g.description, ''), `declare const ${g.name}: ${renderType(g.schema, TS)}`, '']
}

function doc(text: string | undefined, indent: string, tags: readonly string[] = []): string[] {
  const lines = [...(text ? docText(text).split('\n') : []), ...tags.map(docText)]
  if (lines.length === 0) return []
  return [`${indent}/**`, ...lines.map((l) => `${indent} * ${l}`), `${indent} */`]
}

/** Text inside a JSDoc comment cannot close it. */
function docText(text: string): string {
  return text.replace(/\*\//g, '*\\/')
}

function key(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name)
}

function unique(members: readonly string[]): string[] {
  return [...new Set(members)]
}

/** `context` is deep-frozen: every level is read-only. */
const DEEP_READONLY = 'type PolyhostDeepReadonly<T> = T extends object ? { readonly [K in keyof T]: PolyhostDeepReadonly<T[K]> } : T'
