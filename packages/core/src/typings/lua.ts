import type { BridgeModel, GlobalModel, MethodModel, TypingsModel } from './model.js'
import { renderType, type TypeSyntax } from './schema-types.js'

/**
 * Prints lua-language-server annotations (a `---@meta` file) for Lua scripts: one `---@class`
 * per bridge with its methods (`---@param`, `---@return`; calls look synchronous in Lua, so
 * async handlers return their value), declared globals and `context` as classes with
 * `---@field`s, and `require` limited to the registered modules.
 */
export function printLua(model: TypingsModel): string {
  const out: string[] = [
    '---@meta polyhost',
    '-- Types of what Polyhost scripts can see: bridges, globals, context and modules.',
    '-- Generated from the host configuration; do not edit.',
    '',
  ]
  for (const b of model.bridges) out.push(...bridge(b))
  for (const g of model.globals) out.push(...global(g, className(g.name)))
  out.push(
    ...global(
      { name: 'context', schema: model.context ?? {}, description: "The execution's context: frozen, set by the host." },
      'polyhost.Context',
    ),
  )
  if (model.modules.length > 0) {
    out.push(
      '---Loads a module the host registered; nothing else resolves.',
      `---@param name ${model.modules.map((m) => JSON.stringify(m)).join('|')}`,
      '---@return any',
      'function require(name) end',
      '',
    )
  }
  return `${out.join('\n').trimEnd()}\n`
}

/** lua-language-server type syntax for `renderType`. */
export const LUA: TypeSyntax = {
  any: 'any',
  unknownRef: 'any',
  string: () => 'string',
  number: (integer) => (integer ? 'integer' : 'number'),
  boolean: () => 'boolean',
  null: () => 'nil',
  literal: (v) =>
    typeof v === 'string' ? JSON.stringify(v) : v === null ? 'nil' : typeof v === 'number' || typeof v === 'boolean' ? String(v) : 'any',
  array: (item) => (/^[\w.]+$/.test(item) ? `${item}[]` : `(${item})[]`),
  tuple: (items) => `{ ${items.map((t, i) => `[${i + 1}]: ${t}`).join(', ')} }`,
  object: (fields, rest) => {
    const parts = fields.map((f) => `${luaKey(f.name)}${f.optional ? '?' : ''}: ${f.type}`)
    if (rest !== undefined) parts.push(`[string]: ${rest}`)
    return parts.length ? `{ ${parts.join(', ')} }` : 'table'
  },
  union: (members) => [...new Set(members)].join('|') || 'nil',
  // LuaLS has no intersection type: the first member is the closest honest approximation
  intersection: (members) => members[0] ?? 'any',
}

// --- internal ---

function bridge(b: BridgeModel): string[] {
  const cls = `polyhost.bridge.${b.name}`
  const out = [...comment(b.description), `---@class ${cls}`, `${b.name} = {}`, '']
  for (const m of b.methods) out.push(...method(b.name, m))
  return out
}

function method(bridgeName: string, m: MethodModel): string[] {
  const out = comment(m.description)
  for (const p of m.params) {
    out.push(`---@param ${p.name}${p.optional ? '?' : ''} ${renderType(p.schema, LUA)}${p.description ? ` ${oneLine(p.description)}` : ''}`)
  }
  out.push(`---@return ${m.returns ? renderType(m.returns, LUA) : 'any'}`)
  const params = m.params.map((p) => p.name).join(', ')
  // `function kv.end(key) end` does not parse: a keyword is a string key of the bridge's table
  out.push(
    m.dotted ? `function ${bridgeName}.${m.name}(${params}) end` : `${bridgeName}[${JSON.stringify(m.name)}] = function(${params}) end`,
    '',
  )
  return out
}

/** A declared object becomes a class with a field per property; anything else a `---@type`. */
function global(g: GlobalModel, cls: string): string[] {
  const out = comment(g.description)
  const s = g.schema
  const isObject = s.type === 'object' && s.properties !== undefined
  if (!isObject)
    return [
      ...out,
      `---@type ${renderType(s, LUA) === 'any' && g.name === 'context' ? 'table' : renderType(s, LUA)}`,
      `${g.name} = nil`,
      '',
    ]
  const required = new Set(s.required ?? [])
  out.push(`---@class ${cls}`)
  for (const [name, prop] of Object.entries(s.properties ?? {})) {
    const desc = typeof prop === 'object' && prop.description ? ` ${oneLine(prop.description)}` : ''
    out.push(`---@field ${luaKey(name)}${required.has(name) ? '' : '?'} ${renderType(prop, LUA, s)}${desc}`)
  }
  // a blank line ends the class block, so the type annotates the global alone
  out.push('', `---@type ${cls}`, `${g.name} = nil`, '')
  return out
}

function comment(text: string | undefined): string[] {
  return text ? text.split('\n').map((l) => `---${l}`) : []
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ')
}

function className(name: string): string {
  return `polyhost.global.${name}`
}

function luaKey(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `[${JSON.stringify(name)}]`
}
