/**
 * Engine-neutral library names. Each engine maps them onto its own globals; a name an
 * engine has no counterpart for is simply not present there.
 */
export const SAFE_LIBRARIES = [
  // Lua standard library and JS built-ins that compute only
  'base',
  'string',
  'table',
  'math',
  'utf8',
  'coroutine',
  'bit32', // Lua 5.3 with LUA_COMPAT_5_2
  'json',
  'print',
  'console',
  'Math.random',
  'Date',
  'os.time',
  'os.clock',
  'os.date',
  'os.difftime',
  'io.write',
  'require',
  'Proxy',
  'Reflect',
  'WeakRef',
  'Promise',
] as const

/** Dynamic code and introspection: allowed by some presets, never by `strict`. */
export const RISKY_LIBRARIES = [
  'eval', // Lua `load` with an explicit env; JS `eval`, `Function` and friends
  'string.dump',
  'binaryChunks',
  'debug',
  'debug.traceback',
] as const

/** Host escapes: no policy can allow these, whatever the preset. */
export const FORBIDDEN_LIBRARIES = [
  'os.exit',
  'os.execute',
  'os.getenv',
  'os.remove',
  'os.rename',
  'os.tmpname',
  'io',
  'io.open',
  'io.read',
  'io.popen',
  'io.lines',
  'package.loadlib',
  'package.searchpath',
  'loadfile',
  'dofile',
  'js',
  'process',
  'SharedArrayBuffer',
  'Atomics',
] as const

export type LibraryName = (typeof SAFE_LIBRARIES)[number] | (typeof RISKY_LIBRARIES)[number] | (typeof FORBIDDEN_LIBRARIES)[number]

export const KNOWN_LIBRARIES: ReadonlySet<string> = new Set<string>([...SAFE_LIBRARIES, ...RISKY_LIBRARIES, ...FORBIDDEN_LIBRARIES])
export const FORBIDDEN: ReadonlySet<string> = new Set<string>(FORBIDDEN_LIBRARIES)

/** Names `strict` refuses even when a policy lists them in `libraries.allow`. */
export const STRICT_REFUSED: ReadonlySet<string> = new Set(['eval', 'string.dump', 'binaryChunks', 'debug'])

/** Matches a dotted name against a pattern where a trailing `.*` matches any member. */
export function matchesPattern(name: string, pattern: string): boolean {
  if (pattern === '*') return true
  if (pattern.endsWith('.*')) return name.startsWith(pattern.slice(0, -1))
  return name === pattern
}
