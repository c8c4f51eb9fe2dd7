/**
 * The local the rewrite calls for functions that return several values or none: `select`,
 * captured by the chunk's wrapper (`TAIL_CALL_LOCALS`, ahead of the body) before the body's
 * environment replaces the globals. A library's load-time environment has no `select`, and a
 * script may shadow it with a local of its own; neither reaches this name.
 */
const SELECT = '__redis_select'

/** What a wrapper declares ahead of a body rewritten by `protectTailCalls`, where `select` is the base's. */
export const TAIL_CALL_LOCALS = `local ${SELECT} = select `

/**
 * Keeps `return redis.xxx(...)` (and `cjson.`, `bit.`, `cmsgpack.`, `struct.`,
 * `math.log10`/`random`, `error`, `rawset`, `setmetatable`, `pcall`, `loadstring` calls) from
 * being tail calls: `return __redis_select(1, redis.call(...))`, which passes on every value
 * the call returns, or none, as the tail call would (`cjson.encode_sparse_array` answers three
 * values, `redis.log` none; and the name may be the script's own: a local function `error`,
 * a local table `cjson`, whose function returns several). The same for a local holding one
 * of them (`local rf = redis.register_function` ... `return rf(...)`).
 *
 * Why: Redis reports a failed `redis.call` at the script line that made it. In Lua 5.1 a
 * C function called in tail position keeps its caller's frame; here these functions are
 * Lua (the prelude), so a tail call would replace the script's frame and the line would be
 * lost. A small lexer skips strings, long strings and comments.
 */
export function protectTailCalls(source: string): string {
  const inserts: { at: number; text: string }[] = []
  const n = source.length
  // linear in the source: a source of unclosed `return redis.call(` lines must not cost
  // O(n²) on the host thread before the script's time limit applies (190 KB froze it 3-5 s)
  let closers: Map<number, number> | undefined
  // locals naming one of these functions (`local call = redis.call`), by name, wherever
  // they are in scope or not: wrapping another function's tail call costs only a stack level
  const aliases = new Set<string>()
  let i = 0
  while (i < n) {
    const c = source[i] as string
    if (c === '-' && source[i + 1] === '-') {
      i = skipComment(source, i + 2)
      continue
    }
    if (c === '"' || c === "'") {
      i = skipQuoted(source, i)
      continue
    }
    if (c === '[' && longOpen(source, i) >= 0) {
      i = skipLong(source, i)
      continue
    }
    if (isIdentStart(c)) {
      let j = i
      while (j < n && isIdent(source[j] as string)) j++
      const word = source.slice(i, j)
      const own = i === 0 || !isIdent(source[i - 1] as string)
      if (word === 'local' && own) {
        const alias = aliasName(source, j)
        if (alias !== undefined) aliases.add(alias)
      }
      if (word === 'return' && own) {
        // comments between `return` and the call are blanks too (each is skipped here once)
        // and between the parts of the called name and before its arguments (`redis --[[x]] .call`)
        const args = calledArguments(source, skipBlanks(source, j), aliases)
        if (args >= 0) {
          closers ??= closingParens(source)
          const end = argumentsEnd(source, args, closers)
          // not `(f(...))`: that keeps one value, where the function (or the script's own of
          // that name) may return several or none
          if (end > 0) inserts.push({ at: j, text: ` ${SELECT}(1, ` }, { at: end, text: ')' })
        }
      }
      i = j
      continue
    }
    i++
  }
  if (inserts.length === 0) return source
  let out = ''
  let last = 0
  for (const ins of inserts.sort((a, b) => a.at - b.at)) {
    out += source.slice(last, ins.at) + ins.text
    last = ins.at
  }
  return out + source.slice(last)
}

// --- internal ---

/**
 * The called name, its parts joined by `.` without the blanks and comments between them:
 * `redis.*`, `cjson.*`, `bit.*`, `math.log10`/`random`/`randomseed`, `error`, `pcall` (prelude
 * functions) and the cmsgpack/struct functions.
 */
const TAIL_CALL =
  /^(?:(?:redis|cjson|bit)\.[A-Za-z_][A-Za-z0-9_]*|math\.(?:log10|random|randomseed)|(?:cmsgpack|struct)\.(?:pack|unpack_one|unpack_limit|unpack|size)|error|rawset|setmetatable|pcall|loadstring)$/

/**
 * The name `local` declares at `at` when it is one of those functions itself (not called or
 * indexed): `local <name> = <function>`, blanks and comments allowed between every part, as
 * the compiler allows them (`local c = redis --[[x]] .call`); else undefined.
 */
function aliasName(s: string, at: number): string | undefined {
  const start = skipBlanks(s, at)
  const end = identEnd(s, start)
  if (end === start) return undefined
  const k = skipBlanks(s, end)
  if (s[k] !== '=' || s[k + 1] === '=') return undefined
  const ref = calledName(s, skipBlanks(s, k + 1))
  if (ref === undefined || !TAIL_CALL.test(ref.name) || /[(.:[{'"]/.test(s[ref.next] ?? '')) return undefined
  return s.slice(start, end)
}

/** A name (`f`, or `t.f` with blanks and comments about the dot) at `at`, its parts joined by `.`, and the next token's start. */
function calledName(s: string, at: number): { name: string; next: number } | undefined {
  let end = identEnd(s, at)
  if (end === at) return undefined
  let name = s.slice(at, end)
  let k = skipBlanks(s, end)
  if (s[k] === '.' && s[k + 1] !== '.') {
    const part = skipBlanks(s, k + 1)
    end = identEnd(s, part)
    if (end === part) return undefined
    name += `.${s.slice(part, end)}`
    k = skipBlanks(s, end)
  }
  return { name, next: k }
}

/**
 * Where the arguments start of a call at `at` of one of those functions or of an alias (a name
 * in `aliases`): `f(...)`, `f'...'`, `f[[...]]` or `f{...}`, blanks and comments allowed
 * between the name's parts and before the arguments; or -1 when it is none of these.
 */
function calledArguments(s: string, at: number, aliases: ReadonlySet<string>): number {
  const ref = calledName(s, at)
  if (ref === undefined || (!TAIL_CALL.test(ref.name) && !aliases.has(ref.name))) return -1
  const k = ref.next
  const c = s[k]
  return c === '(' || c === '{' || c === '"' || c === "'" || (c === '[' && longOpen(s, k) >= 0) ? k : -1
}

/** The end of the name starting at i (i itself when none starts there). */
function identEnd(s: string, i: number): number {
  if (i >= s.length || !isIdentStart(s[i] as string)) return i
  let j = i + 1
  while (j < s.length && isIdent(s[j] as string)) j++
  return j
}

function isIdentStart(c: string): boolean {
  return /[A-Za-z_]/.test(c)
}

function isIdent(c: string): boolean {
  return /[A-Za-z0-9_]/.test(c)
}

/** Level of a long bracket opening at i (`[[` → 0, `[==[` → 2), or -1. */
function longOpen(s: string, i: number): number {
  let j = i + 1
  while (s[j] === '=') j++
  return s[j] === '[' ? j - i - 1 : -1
}

function skipLong(s: string, i: number): number {
  const level = longOpen(s, i)
  const end = s.indexOf(`]${'='.repeat(level)}]`, i + level + 2)
  return end < 0 ? s.length : end + level + 2
}

/** Past the white space and comments from i. */
function skipBlanks(s: string, i: number): number {
  let j = i
  for (;;) {
    while (j < s.length && /\s/.test(s[j] as string)) j++
    if (s[j] !== '-' || s[j + 1] !== '-') return j
    j = skipComment(s, j + 2)
  }
}

function skipComment(s: string, i: number): number {
  if (s[i] === '[' && longOpen(s, i) >= 0) return skipLong(s, i)
  const nl = s.indexOf('\n', i)
  return nl < 0 ? s.length : nl
}

function skipQuoted(s: string, i: number): number {
  const q = s[i]
  let j = i + 1
  while (j < s.length && s[j] !== q && s[j] !== '\n') j += s[j] === '\\' ? 2 : 1
  return j + 1
}

/**
 * Where the arguments of a call starting at `at` end (past its `)`, closing quote, long
 * bracket or `}`), or -1 when they are not closed (the compiler reports that source as is).
 */
function argumentsEnd(s: string, at: number, closers: Map<number, number>): number {
  const c = s[at]
  if (c === '(' || c === '{') return (closers.get(at) ?? -2) + 1
  if (c === '"' || c === "'") {
    const end = skipQuoted(s, at)
    return end <= s.length && s[end - 1] === c && end - 1 > at ? end : -1
  }
  const level = longOpen(s, at)
  const close = s.indexOf(`]${'='.repeat(level)}]`, at + level + 2)
  return close < 0 ? -1 : close + level + 2
}

/** The `)` or `}` closing each `(` or `{` of the source (code only: strings and comments skipped), in one pass. */
function closingParens(s: string): Map<number, number> {
  const closers = new Map<number, number>()
  const open: number[] = []
  const braces: number[] = []
  let i = 0
  while (i < s.length) {
    const c = s[i] as string
    if (c === '-' && s[i + 1] === '-') {
      i = skipComment(s, i + 2)
      continue
    }
    if (c === '"' || c === "'") {
      i = skipQuoted(s, i)
      continue
    }
    if (c === '[' && longOpen(s, i) >= 0) {
      i = skipLong(s, i)
      continue
    }
    if (c === '(') open.push(i)
    else if (c === ')' && open.length > 0) closers.set(open.pop() as number, i)
    else if (c === '{') braces.push(i)
    else if (c === '}' && braces.length > 0) closers.set(braces.pop() as number, i)
    i++
  }
  return closers
}
