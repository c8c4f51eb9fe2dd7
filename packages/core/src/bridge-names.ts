/**
 * Names a bridge may not take: a bridge is a script global in every engine, so its name must
 * be one a script can write and must not shadow a global scripts already have.
 */

/** Why `name` cannot name a bridge, or undefined if it can. */
export function reservedBridgeName(name: string): string | undefined {
  if (GLOBALS.has(name)) return 'name is reserved for a script global'
  if (JS_RESERVED.has(name)) return 'name is a reserved word in JavaScript: scripts could not write it'
  if (LUA_KEYWORDS.has(name)) return 'name is a Lua keyword: scripts could not write it'
  return undefined
}

// --- internal ---

/** Names scripts already have; a bridge may not shadow them. */
const GLOBALS: ReadonlySet<string> = new Set([
  'context',
  'print',
  'console',
  'require',
  'globalThis',
  '_G',
  '_ENV',
  'string',
  'table',
  'math',
  'os',
  'io',
  'coroutine',
  'utf8',
  'debug',
  'package',
  'JSON',
  'Object',
  'Math',
  'Promise',
  'Array',
  'String',
  'Number',
  'Boolean',
  'Symbol',
  'Error',
  'Function',
  'Date',
  'Reflect',
  'Proxy',
  'eval',
  'undefined',
  'NaN',
  'Infinity',
  'load',
  'pcall',
  'xpcall',
  'error',
  'assert',
  'type',
  'tostring',
  'tonumber',
  'pairs',
  'ipairs',
  'next',
  'select',
  'rawget',
  'rawset',
  'rawequal',
  'rawlen',
  'setmetatable',
  'getmetatable',
  'array',
  '__proto__',
  'constructor',
  'prototype',
])

/** Lua 5.3 keywords: `end.get()`, `kv.end(k)` and `function kv.end(k) end` do not parse. */
export const LUA_KEYWORDS: ReadonlySet<string> = new Set(
  'and break do else elseif end false for function goto if in local nil not or repeat return then true until while'.split(' '),
)

/**
 * JavaScript reserved words, strict-mode ones included (scripts may be modules), and
 * `arguments`, which inside the function a script runs in names that function's arguments.
 */
export const JS_RESERVED: ReadonlySet<string> = new Set(
  [
    'await break case catch class const continue debugger default delete do else enum export extends false finally for',
    'function if implements import in instanceof interface let new null package private protected public return static',
    'super switch this throw true try typeof var void while with yield arguments',
  ]
    .join(' ')
    .split(' '),
)
