// Random differential programs: a seeded source of choices, the prelude that prints every
// result exactly (integers with %d, floats with %.17g and their subtype, strings as escaped
// bytes), and the assembly of snippets into one program, each snippet loaded and run in its
// own pcall so that one error or syntax error costs one line, never the rest of the program.
import { prng } from './native-lua.js'

export type Mode = 'lua53' | 'lua51'

/** One generated piece: a Lua function body ending in `return …`, judged by its one printed line. */
export interface Snippet {
  readonly area: string
  readonly body: string
  /** Involves integers near or beyond ±(2^53 − 1): the engine may answer `integer overflow` where native computes an integer. */
  readonly big?: boolean
  /** Involves libm results (`^` with any exponent, `math.log`): the last bit may be V8's (documented). */
  readonly libm?: boolean
  /** Ends with `#t` of a table that may have had nil stored into an absent key (the length model's known gap). */
  readonly border?: boolean
}

/** Seeded choices shared by the generators. */
export class Dice {
  private readonly next: () => number
  constructor(seed: number) {
    this.next = prng(seed)
  }
  /** A float in [0, 1). */
  unit(): number {
    return this.next()
  }
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1))
  }
  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T
  }
  /** n picks (n itself random in [lo, hi]). */
  some<T>(items: readonly T[], lo: number, hi: number): T[] {
    return Array.from({ length: this.int(lo, hi) }, () => this.pick(items))
  }
}

/** A Lua string literal of arbitrary bytes (each byte outside printable ASCII, and `"`, `\`, as \ddd). */
export function luaBytes(bytes: readonly number[] | string): string {
  const list = typeof bytes === 'string' ? Array.from(Buffer.from(bytes, 'latin1')) : bytes
  return `"${list.map((b) => (b >= 32 && b < 127 && b !== 34 && b !== 92 ? String.fromCharCode(b) : `\\${String(b).padStart(3, '0')}`)).join('')}"`
}

// V prints a value exactly; R prints one snippet's pcall results; X loads and runs one snippet.
// Tables print their contents 1..8 (a reference keeps later lines stable only through X's own table).
const PRELUDE = `local load, mtype, fmt, sel, concat = loadstring or load, math.type, string.format, select, table.concat
local function esc(s) return (string.gsub(s, '[^%w%p ]', function(c) return fmt('\\\\%d;', string.byte(c)) end)) end
local function V(v, deep)
  local t = type(v)
  if t == 'number' then
    if mtype and mtype(v) == 'integer' then return 'i' .. fmt('%d', v) end
    if v ~= v then return 'f' .. tostring(v) end
    return 'f' .. fmt('%.17g', v)
  elseif t == 'string' then return 's' .. esc(v)
  elseif t == 'table' and not deep then
    local out = {}
    for i = 1, 8 do out[i] = V(rawget(v, i), true) end
    return '{' .. concat(out, ',') .. '}'
  elseif t == 'nil' or t == 'boolean' then return tostring(v) end
  return t
end
local function R(ok, ...)
  local out = {}
  if not ok then
    local e = ...
    if type(e) == 'string' then e = string.gsub(e, '^[^\\n]-:%d+: ', '') end
    print('E ' .. V(e))
    return
  end
  for i = 1, sel('#', ...) do out[i] = V((sel(i, ...))) end
  print('ok ' .. sel('#', ...) .. ' ' .. concat(out, ' '))
end
local function X(src)
  local f, e = load(src, '=s')
  if not f then return print('S ' .. V((string.gsub(e, '^[^\\n]-:%d+: ', '')))) end
  R(pcall(f))
end
`

/** The program of a list of snippets: the prelude, then one `X[==[…]==]` line per snippet. */
export function program(snippets: readonly Snippet[]): string {
  return PRELUDE + snippets.map((s) => `X[==[${s.body}]==]\n`).join('')
}

/** How a line differs, or undefined when the engine's line is native's or a documented deviation. */
export type Verdict = 'same' | 'overflow' | 'libm' | 'nan' | 'border' | 'different'

const BIG = 2 ** 53 - 1

/** Whether a printed line holds an integer beyond ±(2^53 − 1) (also inside a string or table). */
function hasBigInteger(line: string): boolean {
  return (line.match(/-?\d{16,}/g) ?? []).some((d) => Math.abs(Number(d)) > BIG)
}

/** Floats whose printed forms are within a few units in the last place (V8's libm beside glibc's). */
function nearlySame(a: string, b: string): boolean {
  const ta = a.split(/([-\d.e+]+)/)
  const tb = b.split(/([-\d.e+]+)/)
  if (ta.length !== tb.length) return false
  return ta.every((x, i) => {
    const y = tb[i] as string
    if (x === y) return true
    const [p, q] = [Number(x), Number(y)]
    return Number.isFinite(p) && Number.isFinite(q) && Math.abs(p - q) <= Math.abs(p) * 1e-15
  })
}

/** The verdict on one snippet's line: identical, or a deviation the README documents, or a difference. */
export function judge(s: Snippet, got: string, want: string): Verdict {
  if (got === want) return 'same'
  // the engine's explicit errors for integers (and 5.1 times) beyond ±(2^53 − 1), alone or caught by the snippet
  if (/integer overflow|time result beyond/.test(got) && (hasBigInteger(want) || s.big)) return 'overflow'
  if (s.libm && nearlySame(got, want)) return 'libm'
  // a NaN's sign is the one V8 computes (README: 0/0 is -nan and -(0/0) nan as natively, others may differ)
  if (got.replace(/-nan/g, 'nan') === want.replace(/-nan/g, 'nan')) return 'nan'
  if (s.border && got.replace(/ \S+$/, '') === want.replace(/ \S+$/, '')) return 'border'
  return 'different'
}
