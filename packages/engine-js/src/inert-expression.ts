/**
 * Whether a one-expression script (see `JsCompiledScript.expression`) can run nothing but
 * reads and operators: no call, no assignment, no `new`, `delete`, `++`/`--`, no function,
 * class, object literal, template or regular expression. Such an expression runs no code of
 * its own and can reach no function it defined, so it cannot add, delete or redefine a global,
 * make the global object non-extensible or queue a job; what it reads is the baseline
 * (frozen intrinsics, whose implicit conversions only read), the execution's globals and
 * context (data, host functions it cannot call). A state that ran one is at its baseline
 * again without the guest's reset walk (`JsState.reset`); the next `begin` replaces the scope
 * and the context it leaves behind.
 *
 * The check is conservative and textual: printable ASCII only, no backslash (no escapes, no
 * line continuation inside a string), strings on one line, and every token outside a string
 * from a short list of reads and operators. A `(` after an operand is a call; a `/` where an
 * operand is expected would start a regular expression or a comment; both make the
 * expression not inert. Anything the list does not name makes it not inert.
 */
export function isInertExpression(source: string): boolean {
  const text = source.replace(TRAILING_SEMICOLON, '')
  let depth = 0
  let operand = false
  let i = 0
  while (i < text.length) {
    const c = text.charCodeAt(i)
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) {
      i++
      continue
    }
    if (c < 0x20 || c > 0x7e) return false
    const ch = text[i] as string
    if (WORD.test(ch)) {
      let j = i + 1
      while (j < text.length && WORD.test(text[j] as string)) j++
      const word = text.slice(i, j)
      if (RESERVED.has(word)) return false
      // typeof, void and in are operators: an operand follows them
      operand = !OPERATOR_WORDS.has(word)
      i = j
      continue
    }
    if (ch === "'" || ch === '"') {
      const end = text.indexOf(ch, i + 1)
      if (end < 0) return false
      const inside = text.slice(i + 1, end)
      if (inside.includes('\\') || /[\n\r]/.test(inside)) return false
      operand = true
      i = end + 1
      continue
    }
    const op = PUNCTUATORS.find((p) => text.startsWith(p, i))
    if (op === undefined) return false
    if (op === '(') {
      // after an operand, a call
      if (operand) return false
      depth++
    } else if (op === '[') depth++
    else if (op === ')' || op === ']') {
      if (--depth < 0) return false
    } else if (op === '/' && (!operand || text[i + 1] === '/' || text[i + 1] === '*')) return false
    else if (op === '?.' && /^\s*\(/.test(text.slice(i + 2))) return false
    // ++, -- and spread (which iterates): refused
    else if ((op === '+' || op === '-' || op === '.') && text[i + 1] === op) return false
    operand = op === ')' || op === ']'
    i += op.length
  }
  return depth === 0
}

// --- internal ---

const TRAILING_SEMICOLON = /;\s*$/
const WORD = /[A-Za-z0-9_$]/
/** Longest first. Not listed: `=` and every assignment, `=>`, `...`, `{`, `}`, `;`, `` ` ``, `#`, `@`, `\`. */
const PUNCTUATORS = ['>>>', '===', '!==', '**', '?.', '??', '&&', '||', '==', '!=', '<=', '>=', '<<', '>>', ...'+-*/%<>&|^!~?:,.()[]']
/** Words that read nothing and call nothing: an operand follows them. */
const OPERATOR_WORDS = new Set(['typeof', 'void', 'in'])
/**
 * Reserved and contextual words an inert expression has no use for (`true`, `false`, `null`
 * and the operator words are allowed); a property name after `.` is checked too (conservative).
 */
const RESERVED = new Set(
  (
    'arguments async await break case catch class const continue debugger default delete do else enum eval export ' +
    'extends finally for function if implements import instanceof interface let new package private protected public ' +
    'return static super switch this throw try var while with yield'
  ).split(' '),
)
