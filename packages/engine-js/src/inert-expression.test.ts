import { describe, expect, it } from 'vitest'
import { isInertExpression } from './inert-expression.js'

// An inert expression's state skips the guest's reset walk: everything that could run code
// of its own, write a property or queue a job must be refused, and refusing too much only
// costs the walk.

describe('isInertExpression', () => {
  it('accepts reads and operators', () => {
    for (const s of [
      'a + b',
      'a + b;',
      "user.age >= 18 && user.country === 'NL'",
      'x ? y : z',
      'a / b',
      '(a + b) * c ** 2 % 3',
      '[a, b][0]',
      'typeof a',
      "'x' in o",
      'a?.b ?? 1',
      'a?.[0]',
      '!a || ~b & c | d ^ e',
      'a >>> 1 << 2 >> 3',
      'a !== b != c == d',
      'a - -b + +c',
      'void 0',
      'x.y\n  .z',
      '"a\'b"',
      '1.5e3 + 0x1f',
    ]) {
      expect(isInertExpression(s), s).toBe(true)
    }
  })

  it('refuses calls, writes, definitions and text it cannot read exactly', () => {
    for (const s of [
      'f()',
      'a.b(1)',
      'a?.(1)',
      'a?. (1)',
      'a ?.b(1)',
      '(f)(1)',
      'a[0](1)',
      "'x'(1)",
      'a\n(b)',
      'new X',
      'x = 1',
      'x += 1',
      'x ??= 1',
      'x++',
      '--x',
      'a--',
      '() => 1',
      'x => 1',
      '`t`',
      'tag`x`',
      '/re/.source',
      'a + /re/',
      'a // c',
      'a /* c */ + b',
      '({ get x() { return 1 } })',
      'delete a.b',
      'this',
      'import.meta',
      'eval',
      'arguments',
      'a instanceof B',
      'class {}',
      'function () {}',
      'async () => 1',
      '[...a]',
      "'\\x41'",
      "'a\\\nb'",
      'a\u2028+ b',
      'é',
      'a <!-- b',
      'a --> b',
      '#x in a',
      'a)',
      '(a',
      'a; b',
      "'unclosed",
      'a.new',
    ]) {
      expect(isInertExpression(s), s).toBe(false)
    }
  })
})
