import type { EngineSnippets, ScriptLiteral } from '@polyhost/conformance'

/** Lua snippets for the conformance kit. */
export const luaSnippets: EngineSnippets = {
  language: 'lua',
  extension: '.lua',
  returnLiteral: (v) => `return ${lit(v)}`,
  readGlobal: (name) => `return ${name}`,
  readField: (name, path) => `return ${name}${path.map((p) => (typeof p === 'number' ? `[${p + 1}]` : `[${str(p)}]`)).join('')}`,
  length: (name) => `return #${name}`,
  hasPath: (path) =>
    [
      `local v = ${path[0]}`,
      ...path.slice(1).map((k) => `if type(v) ~= 'table' then return false end v = v[${str(k)}]`),
      'return v ~= nil',
    ].join('\n'),
  randomDraws: (n) => `local t = {} for i = 1, ${n} do t[i] = math.random() end return t`,
  clockMs: () => 'return os.time() * 1000',
  callGlobal: (name, args) => `return ${name}(${args.map(lit).join(', ')})`,
  numberKind: (name) => `return math.type(${name})`,
  writeGlobal: (name, v) => `${name} = ${lit(v)}`,
  setElement: (name, index, v) => `${name}[${index + 1}] = ${lit(v)}\nreturn ${name}`,
  writeContext: (key, v) => `pcall(function() context[${str(key)}] = ${lit(v)} end)\nreturn context[${str(key)}]`,
  wrapGlobal: (name) => `return { ${name}, { inner = ${name} } }`,
  setField: (name, key, v) => `${name}[${str(key)}] = ${lit(v)}\nreturn ${name}`,
  aliasGlobal: (from, to) => `${to} = ${from}`,
  emptyArray: () => 'return array()',
  sparseArray: () => ({ source: "return {[1] = 'a', [3] = 'c'}", expected: { '1': 'a', '3': 'c' } }),
  cyclic: () => 'local t = {}\nt.self = t\nreturn t',
  returnMany: (values) => `return ${values.map(lit).join(', ')}`,

  syntaxError: () => ({ source: 'return 1\nreturn return', line: 2 }),
  throwError: (message) => `error(${str(message)}, 0)`,
  callMissing: () => 'missing()',

  callBridge: (path, args) => `return ${path}(${args.map(lit).join(', ')})`,
  awaitBridge: (path, args) => `return ${path}(${args.map(lit).join(', ')})`,
  catchBridge: (path, args) =>
    `local ok, e = pcall(${path}${args.map((a) => `, ${lit(a)}`).join('')})\nif ok then return 'no error' end\nreturn tostring(e)`,
  bridgeLoop: (path) => `while true do pcall(${path}) end`,

  infiniteLoop: () => 'while true do pcall(function() end) end',
  recursion: (depth) => `local function r(n) if n <= 1 then return 1 end return 1 + r(n - 1) end\nreturn r(${depth})`,
  deepRecursion: () => 'local function r(n) return 1 + r(n + 1) end\nreturn r(1)',
  allocate: (bytes) =>
    `local t, piece = {}, 65536\nfor i = 1, math.ceil(${bytes} / piece) do t[i] = string.rep('x', piece - 8) .. string.format('%8d', i) end\nreturn true`,
  print: (message) => `print(${str(message)})`,
  printLoop: (message) => `while true do pcall(print, ${str(message)}) end`,

  tamperBuiltins: () =>
    [
      "pcall(function() string.upper = function() return 'tampered' end end)",
      'pcall(function() string.extra = 1 end)',
      "pcall(rawset, table, 'extra', 1)",
      'pcall(setmetatable, math, { __index = function() return 1 end })',
      "pcall(function() getmetatable('').__index = { upper = function() return 'tampered' end } end)",
      'pcall(function() _G.print = nil end)',
    ].join('\n'),
  builtinsIntact: () =>
    [
      "return string.upper('ab') == 'AB' and ('ab'):upper() == 'AB' and string.extra == nil",
      "and rawget(table, 'extra') == nil and getmetatable(math) == nil and math.nothing == nil",
      "and getmetatable('').__index == string and print ~= nil",
    ].join(' '),

  tenantTurn: (tenant, other) =>
    [
      'local secret = turn.secret',
      'local seen = {',
      `  leaked = left_${other}, own = left_${tenant}, injected = g_${other}, late = late,`,
      `  intact = (function() ${luaSnippets.builtinsIntact()} end)(),`,
      '  random = { math.random(), math.random(), math.random() },',
      '  clock = os.time(),',
      '  sync = kv.upper(secret), async = kv.soon(secret), ctx = kv.ctx().tenant,',
      "  stored = kv.swap('k', secret), context = context.tenant,",
      '}',
      "local ok, m = pcall(require, 'shared')",
      "if ok and type(m) == 'table' then seen.module = m.owner pcall(function() m.owner = secret end) end",
      `left_${tenant} = secret`,
      'print(secret)',
      'kv.note(secret)',
      'pcall(math.randomseed, turn.seed)',
      // left pending: a finalizer that would run in whichever execution collects it
      "pcall(function() setmetatable({}, { __gc = function() late = secret print('late:' .. secret) end }) end)",
      // last: tampering may take `print` away from the rest of this script
      luaSnippets.tamperBuiltins(),
      'return seen',
    ].join('\n'),
  moduleExporting: (v) => `return ${lit(v)}`,
  requireModule: (name) => `return require(${str(name)})`,
}

// --- internal ---

const encoder = new TextEncoder()

/** A Lua string literal with every byte outside printable ASCII escaped. */
export function str(s: string | Uint8Array): string {
  const bytes = typeof s === 'string' ? encoder.encode(s) : s
  let out = '"'
  for (const b of bytes) {
    if (b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c) out += String.fromCharCode(b)
    else out += `\\${String(b).padStart(3, '0')}`
  }
  return `${out}"`
}

/** A host literal written as a Lua expression. */
export function lit(v: ScriptLiteral): string {
  if (v === null) return 'nil'
  if (typeof v === 'boolean') return String(v)
  if (typeof v === 'string' || v instanceof Uint8Array) return str(v)
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return '(0/0)'
    if (v === Number.POSITIVE_INFINITY) return 'math.huge'
    if (v === Number.NEGATIVE_INFINITY) return '(-math.huge)'
    if (Object.is(v, -0)) return '(-0.0)'
    if (Number.isInteger(v)) return Number.isSafeInteger(v) ? String(v) : `${v.toExponential()}`
    return String(v)
  }
  if (Array.isArray(v)) return `{${v.map((x) => lit(x as ScriptLiteral)).join(', ')}}`
  return `{${Object.entries(v as Record<string, ScriptLiteral>)
    .map(([k, x]) => `[${str(k)}] = ${lit(x)}`)
    .join(', ')}}`
}
