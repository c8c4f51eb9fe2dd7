/**
 * Text a script controls (its messages, logs, values, and the names of its files) must not
 * drive the operator's terminal: an ESC or C1 control starts a sequence that can erase lines,
 * retitle the window or write the clipboard (OSC 52); CR and backspace overwrite what was
 * printed; bidi overrides and isolates reorder it (Trojan Source); invisible format
 * characters hide text. These helpers show every such character as a visible escape.
 *
 * Escaped: controls (Unicode Cc: C0, DEL, C1), format characters (Cf: bidi embeddings,
 * overrides, isolates and marks, zero-width space, word joiner, BOM, soft hyphen, tags...),
 * the line and paragraph separators (U+2028, U+2029) and lone surrogates. Kept: zero-width
 * (non-)joiners U+200C and U+200D, which join emoji and letters of many scripts, and in
 * multi-line text newline and tab.
 */

/** How `escapeForTerminal` treats line structure. */
export interface TerminalTextOptions {
  /** Keep `\n` and `\t` as they are (printed lines, values); otherwise escape them too. */
  readonly multiline?: boolean
}

/**
 * Returns `text` with every character that could act on a terminal shown as an escape:
 * `\x1b`, `\r`, `\u202e`, `\u{e0041}`.
 *
 * @example
 * escapeForTerminal('a\rb\x1b[2Kc') // 'a\\rb\\x1b[2Kc'
 */
export function escapeForTerminal(text: string, options: TerminalTextOptions = {}): string {
  if (!UNSAFE_TEST.test(text)) return text
  const keep = options.multiline === true
  return text.replace(UNSAFE, (c) => ((keep && (c === '\n' || c === '\t')) || JOINERS.has(c) ? c : escapeChar(c)))
}

/**
 * Makes JSON text safe for a terminal while keeping it the same JSON: `JSON.stringify`
 * escapes C0 controls and lone surrogates but leaves DEL, C1 and format characters raw.
 * Those can only stand inside string literals, where `\uXXXX` means the same character.
 */
export function escapeJsonForTerminal(json: string): string {
  if (!UNSAFE_TEST.test(json)) return json
  return json.replace(UNSAFE, (c) => (c === '\n' || c === '\t' || JOINERS.has(c) ? c : unicodeUnits(c)))
}

// --- internal ---

const CLASS = '[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}\\p{Cs}]'
const UNSAFE = new RegExp(CLASS, 'gu')
// a non-global twin: test() on a /g regex would carry lastIndex from one call to the next
const UNSAFE_TEST = new RegExp(CLASS, 'u')
const JOINERS = new Set(['\u200c', '\u200d'])
const SHORT: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }

function escapeChar(c: string): string {
  const short = SHORT[c]
  if (short) return short
  const code = c.codePointAt(0) as number
  if (code <= 0xff) return `\\x${hex(code, 2)}`
  if (code <= 0xffff) return `\\u${hex(code, 4)}`
  return `\\u{${code.toString(16)}}`
}

function unicodeUnits(c: string): string {
  let out = ''
  for (let i = 0; i < c.length; i++) out += `\\u${hex(c.charCodeAt(i), 4)}`
  return out
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0')
}
